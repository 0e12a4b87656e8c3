"""The service catalog: services, their level history and monthly usage."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.enums import ClaimStatus, LevelSource, Prerequisite, Tier
from taskforce.models.types import UTCDateTime, utcnow


class Service(db.Model):
    __tablename__ = "services"
    # No unique (code, unit): a merger of two districts gives the new unit both districts'
    # services of one national code, kept apart so that its figures are their sum.
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), index=True)
    name: Mapped[str] = mapped_column(String(500))
    name_key: Mapped[str] = mapped_column(String(500))
    field: Mapped[str | None] = mapped_column(String(200), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    tier: Mapped[str] = mapped_column(String(20), default=Tier.PROVINCE)
    has_fee: Mapped[bool] = mapped_column(Boolean, default=False)
    # The official (verified) level today; the history lives in level_changes.
    level: Mapped[int] = mapped_column(Integer, default=2, index=True)
    # The level claimed today, verified or pending (the latest such change), as the figures
    # count it; kept with the history by services.kpi_store. None: no such change yet.
    claimed_level: Mapped[int | None] = mapped_column(Integer)
    target_level: Mapped[int | None] = mapped_column(Integer)
    online_class: Mapped[str | None] = mapped_column(String(20))
    has_online_payment: Mapped[bool] = mapped_column(Boolean, default=False)
    is_connected_evaluation: Mapped[bool] = mapped_column(Boolean, default=False)
    has_online_result: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    level_changes: Mapped[list["LevelChange"]] = relationship(
        back_populates="service", order_by="LevelChange.effective_on"
    )

    @property
    def missing_level4_prerequisites(self):
        """Names of what level 4 still needs for this service."""
        missing = []
        if self.has_fee and not self.has_online_payment:
            missing.append(Prerequisite.ONLINE_PAYMENT)
        if not self.is_connected_evaluation:
            missing.append(Prerequisite.EVALUATION)
        if not self.has_online_result:
            missing.append(Prerequisite.ONLINE_RESULT)
        return missing


class LevelChange(db.Model):
    """A change of a service's level: the initial listing, an import or a claim."""

    __tablename__ = "level_changes"
    __table_args__ = (
        Index("ix_level_changes_service_effective", "service_id", "effective_on"),
        Index("ix_level_changes_status", "status"),
        # Whether any change falls between a date and its month end (kpi_store._checked).
        Index("ix_level_changes_effective_on", "effective_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    from_level: Mapped[int | None] = mapped_column(Integer)
    to_level: Mapped[int] = mapped_column(Integer)
    effective_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.PENDING)
    source: Mapped[str] = mapped_column(String(20), default=LevelSource.CLAIM)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"), index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    # The level-4 checklist as the claimant ticked it; applied to the service on verification.
    prerequisites: Mapped[dict | None] = mapped_column(JSON)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))

    service: Mapped["Service"] = relationship(back_populates="level_changes")
    claimed_by: Mapped["User | None"] = relationship(foreign_keys=[claimed_by_id])  # noqa: F821
    verified_by: Mapped["User | None"] = relationship(foreign_keys=[verified_by_id])  # noqa: F821
    evidence: Mapped["Attachment | None"] = relationship()  # noqa: F821


class ServiceUsage(db.Model):
    """Dossiers received by a service in one month."""

    __tablename__ = "service_usage"
    __table_args__ = (
        UniqueConstraint("service_id", "month"),
        # The services that received online dossiers in a period, read from the index alone
        # (the "effective level 4" figure).
        Index("ix_service_usage_online", "month", "service_id",
              postgresql_where=text("dossiers_online > 0"),
              sqlite_where=text("dossiers_online > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    month: Mapped[date] = mapped_column(Date, index=True)
    dossiers_total: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_online: Mapped[int] = mapped_column(Integer, default=0)
    dossiers_paid_online: Mapped[int] = mapped_column(Integer, default=0)
    # None where the sheet did not give it: "no data", never 0 %.
    dossiers_digitised: Mapped[int | None] = mapped_column(Integer)

    service: Mapped["Service"] = relationship()


class MonthFigures(db.Model):
    """A unit's figures at a month end (kpi.COUNTS), kept with the history by kpi_store.

    A month up to the last one stored without a row for a unit means the unit had no
    counted service then.
    """

    __tablename__ = "month_figures"

    month_end: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    services: Mapped[int] = mapped_column(Integer, default=0)
    level3: Mapped[int] = mapped_column(Integer, default=0)
    level4: Mapped[int] = mapped_column(Integer, default=0)
    level4_verified: Mapped[int] = mapped_column(Integer, default=0)
    effective4: Mapped[int] = mapped_column(Integer, default=0)
    # The unit's level4_verified when it has usage imported in the three months to the
    # month end, else 0: the effectiveness measure's denominator (kpi_queries.REPORTED).
    level4_reported: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
