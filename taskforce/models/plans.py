"""Plans (kế hoạch): indicators, each a measure with parameters, and their dated targets."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.types import UTCDateTime, utcnow


class Plan(db.Model):
    """A plan the task force works to: its legal basis, its period and its indicators."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    basis_number: Mapped[str | None] = mapped_column(String(100))
    basis_date: Mapped[date | None] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="plan", order_by="Indicator.position", cascade="all, delete-orphan")

    def __repr__(self):
        return f"<Plan {self.code}>"


class Indicator(db.Model):
    """One measured figure of a plan: which measure, with which parameters."""

    __tablename__ = "plan_indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped["Plan"] = relationship(back_populates="indicators")
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="indicator", order_by="Milestone.target_on",
        cascade="all, delete-orphan")


class Milestone(db.Model):
    """A target of an indicator: the value (a share, 0 to 1) to reach by a date."""

    __tablename__ = "plan_milestones"
    __table_args__ = (UniqueConstraint("indicator_id", "target_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("plan_indicators.id", ondelete="CASCADE"), index=True)
    target_value: Mapped[float] = mapped_column(Float)
    target_on: Mapped[date] = mapped_column(Date)

    indicator: Mapped["Indicator"] = relationship(back_populates="milestones")
