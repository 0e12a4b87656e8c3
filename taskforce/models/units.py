"""Units: departments, districts, the city and communes the task force drives."""

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.enums import UnitKind
from taskforce.models.users import new_token


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.DEPARTMENT)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    focal_name: Mapped[str | None] = mapped_column(String(200))
    focal_title: Mapped[str | None] = mapped_column(String(200))
    focal_email: Mapped[str | None] = mapped_column(String(254))
    focal_phone: Mapped[str | None] = mapped_column(String(40))
    notify_emails: Mapped[str] = mapped_column(Text, default="")
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A unit's life: None for "always" (the units known before reorganisations were kept).
    # It exists on a day between the two, both included; a reorganisation ends it the day
    # before its effective date.
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The secret in the address of the unit's calendar feed; a new one revokes the old address.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id])
    officers: Mapped[list["User"]] = relationship(back_populates="unit")  # noqa: F821
    predecessors: Mapped[list["Unit"]] = relationship(
        secondary="reorganisation_links", primaryjoin="Unit.id == ReorganisationLink.to_unit_id",
        secondaryjoin="Unit.id == ReorganisationLink.from_unit_id", viewonly=True,
        order_by="Unit.name")

    @property
    def notify_list(self):
        """The addresses that receive this unit's reminders, focal officer first."""
        addresses = [a.strip() for a in self.notify_emails.replace(";", ",").split(",")]
        if self.focal_email:
            addresses.insert(0, self.focal_email)
        seen = []
        for address in addresses:
            if address and address.lower() not in (s.lower() for s in seen):
                seen.append(address)
        return seen

    def exists_on(self, day):
        """Whether the unit existed on ``day``."""
        return ((self.started_on is None or self.started_on <= day)
                and (self.ended_on is None or day <= self.ended_on))

    def __repr__(self):
        return f"<Unit {self.code}>"
