"""The audit log page's query: events filtered by actor, action, object, unit and dates."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from taskforce.extensions import db
from taskforce.models import AuditEvent, Unit
from taskforce.services import bounds
from taskforce.services.errors import DomainError


@dataclass
class Filters:
    """What the audit log is narrowed to; every field optional."""

    actor_id: int | None = None
    action: str = ""
    object_type: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def object_types():
    """The object types an event can name: the tables of the models."""
    return sorted({mapper.local_table.name for mapper in db.Model.registry.mappers})


def _local_start(day, zone):
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def search(filters, zone):
    """A query of the events matching ``filters``, newest first; dates are local to ``zone``.

    The action matches from its start, so "task." finds every task event. A date outside the
    years the product knows is refused: at the calendar's edges the UTC bound would overflow.
    """
    for name in ("date_from", "date_to"):
        if getattr(filters, name):
            bounds.check_date(getattr(filters, name), field=name)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise DomainError(_("The end of the period comes before its start."), field="date_to")
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if filters.actor_id:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    action = (filters.action or "").strip().lower()
    if action:
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(AuditEvent.action).like(escaped + "%", escape="\\"))
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.unit_id:
        query = query.where(AuditEvent.unit_id == filters.unit_id)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _local_start(filters.date_from, zone))
    if filters.date_to:
        query = query.where(AuditEvent.at < _local_start(filters.date_to + timedelta(days=1),
                                                          zone))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def unit_names(session, events):
    """{unit_id: name} of the units the events concern, in one query."""
    ids = {e.unit_id for e in events if e.unit_id}
    if not ids:
        return {}
    return dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())

