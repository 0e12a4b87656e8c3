"""Recording audit events."""

from taskforce.models import AuditEvent
from taskforce.models.types import utcnow
from taskforce.services import webhook_events


def record(session, actor, action, obj, summary="", changes=None, unit_id=None, now=None):
    """Add an audit event for ``action`` on ``obj`` by ``actor``; queue its webhook event if
    it is one (``webhook_events.AUDITED``)."""
    event = AuditEvent(
        at=now or utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=getattr(obj, "id", None),
        unit_id=unit_id if unit_id is not None else getattr(obj, "unit_id", None),
        summary=summary,
        changes=changes or None,
    )
    session.add(event)
    webhook_events.audited(session, action, obj, now=event.at, summary=summary,
                           changes=changes)
    return event


def diff(obj, values):
    """The fields of ``values`` that differ from ``obj``, as {field: [old, new]}."""
    changes = {}
    for key, new in values.items():
        old = getattr(obj, key)
        if old != new:
            changes[key] = [_plain(old), _plain(new)]
    return changes


def _plain(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
