"""The 766 scorecard: the national portal's score tables, one per period, one row per unit."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.types import UTCDateTime, utcnow

# The six groups of Decision 766/QĐ-TTg, as the portal names its columns, in the order shown.
GROUPS = ("CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH", "MDHL")


class ScoreTable(db.Model):
    """The scores of one period (a month, a quarter or a year), as imported from the portal."""

    __tablename__ = "score_tables"
    __table_args__ = (UniqueConstraint("period_kind", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "month", "quarter" or "year"; period_start its first day.
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[date] = mapped_column(Date, index=True)
    filename: Mapped[str] = mapped_column(String(200), default="")
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    imported_by: Mapped["User | None"] = relationship()  # noqa: F821
    rows: Mapped[list["ScoreRow"]] = relationship(
        back_populates="table", cascade="all, delete-orphan", passive_deletes=True)


class ScoreRow(db.Model):
    """One unit's scores in a table; the province's own row has no unit (``is_province``)."""

    __tablename__ = "score_rows"
    __table_args__ = (UniqueConstraint("table_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("score_tables.id", ondelete="CASCADE"),
                                          index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_province: Mapped[bool] = mapped_column(Boolean, default=False)
    # As the portal gives them: its row id (ID), unit id (ID_COQUAN), code, name and tier.
    portal_id: Mapped[str] = mapped_column(String(60), default="")
    portal_unit_id: Mapped[str] = mapped_column(String(60), default="")
    code: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(300), default="")
    unit_type: Mapped[str] = mapped_column(String(20), default="")
    tier_id: Mapped[str] = mapped_column(String(20), default="")
    ckmb: Mapped[float] = mapped_column(Float)
    tdgq: Mapped[float] = mapped_column(Float)
    clgq: Mapped[float] = mapped_column(Float)
    tttt: Mapped[float] = mapped_column(Float)
    mdsh: Mapped[float] = mapped_column(Float)
    mdhl: Mapped[float] = mapped_column(Float)
    total: Mapped[float] = mapped_column(Float)
    national_rank: Mapped[int | None] = mapped_column(Integer)

    table: Mapped[ScoreTable] = relationship(back_populates="rows")
    unit: Mapped["Unit | None"] = relationship()  # noqa: F821

    @property
    def groups(self):
        """{group code: score}, in the order of GROUPS."""
        return {group: getattr(self, group.lower()) for group in GROUPS}
