"""Reorganisations of units (rename, merge, split, dissolve into) and the units of services.

A reorganisation is one dated event with its legal basis; its links say which units became
which, and for a split which service went to which successor. ``service_units`` is the
history of the unit each service belonged to from a date, so that the unit of a service as
of any date is one subquery (``services/unit_map.py``).
"""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.types import UTCDateTime, utcnow


class Reorganisation(db.Model):
    __tablename__ = "reorganisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    # models.enums.ReorganisationChange: rename, merge, split, dissolve.
    change: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its services, tasks and addresses passed to the successors; None until its date.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    links: Mapped[list["ReorganisationLink"]] = relationship(
        back_populates="reorganisation", order_by="ReorganisationLink.id")
    assignments: Mapped[list["SplitAssignment"]] = relationship(
        back_populates="reorganisation", order_by="SplitAssignment.id")
    recorded_by: Mapped["User | None"] = relationship()  # noqa: F821


class ReorganisationLink(db.Model):
    """One predecessor → successor pair of a reorganisation."""

    __tablename__ = "reorganisation_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    reorganisation_id: Mapped[int] = mapped_column(ForeignKey("reorganisations.id"), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    reorganisation: Mapped[Reorganisation] = relationship(back_populates="links")
    from_unit: Mapped["Unit"] = relationship(foreign_keys=[from_unit_id])  # noqa: F821
    to_unit: Mapped["Unit"] = relationship(foreign_keys=[to_unit_id])  # noqa: F821


class SplitAssignment(db.Model):
    """The successor a split gives one service to."""

    __tablename__ = "split_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reorganisation_id: Mapped[int] = mapped_column(ForeignKey("reorganisations.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    reorganisation: Mapped[Reorganisation] = relationship(back_populates="assignments")


class ServiceUnit(db.Model):
    """A service belonged to a unit from ``started_on`` until its next span's date."""

    __tablename__ = "service_units"
    __table_args__ = (Index("ix_service_units_service_started", "service_id", "started_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    # Set on the spans a reorganisation made: the services whose unit changed are these.
    reorganisation_id: Mapped[int | None] = mapped_column(ForeignKey("reorganisations.id"),
                                                          index=True)
