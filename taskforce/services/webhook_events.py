"""Webhook events: what happened, queued in the outbox for each subscription that wants it.

The one place an event becomes webhook deliveries. ``notifications.notify`` (the task and
extension events), ``audit.record`` (claims, reviews, imports) and the reminder planning
(overdue and escalated tasks) call ``emit`` in the transaction of the change, so a change
that is rolled back sends nothing. Each delivery is an outbox row of kind ``webhook`` keyed
by the event and the subscription: queued once, whatever retries or second runs follow.
The body is fixed when the event happens; its signature is made at each try
(``services/mail/webhooks.py``).
"""

import json
import uuid

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from taskforce.models import OutboxMessage, OutboxState, WebhookSubscription
from taskforce.models.types import utcnow
from taskforce.services.inserts import insert_missing

KIND = "webhook"
PING = "ping"
EVENTS = ("task.assigned", "task.reported", "task.returned", "task.accepted", "task.overdue",
          "task.escalated", "extension.asked", "extension.decided", "claim.made",
          "claim.verified", "claim.returned", "review.made", "import.done")
# What each event is called on the webhook pages.
LABELS = {"task.assigned": _l("Task assigned"), "task.reported": _l("Task reported done"),
          "task.returned": _l("Task returned"), "task.accepted": _l("Task accepted"),
          "task.overdue": _l("Task overdue"), "task.escalated": _l("Task escalated"),
          "extension.asked": _l("Extension asked"), "extension.decided": _l("Extension decided"),
          "claim.made": _l("Level claim made"), "claim.verified": _l("Level claim verified"),
          "claim.returned": _l("Level claim returned"), "review.made": _l("Review made"),
          "import.done": _l("Import done")}
# notify's kinds and audit's actions that are webhook events.
NOTIFIED = {"assigned": "task.assigned", "reported": "task.reported",
            "returned": "task.returned", "accepted": "task.accepted",
            "extension_asked": "extension.asked", "extension_decided": "extension.decided"}
AUDITED = {"claim.create": "claim.made", "claim.verify": "claim.verified",
           "claim.return": "claim.returned", "review.build": "review.made",
           "catalog.import": "import.done", "usage.import": "import.done"}
REMINDED = {"overdue": "task.overdue", "escalation": "task.escalated"}
# Event ids made from a key (an overdue point of a task) are the same at every run.
NAMESPACE = uuid.UUID("6f1c3f56-4b8e-4d57-9a52-1c1b5e0a7d21")


def _subscribers(session, event):
    """The subscriptions sending now that want ``event``."""
    rows = session.scalars(select(WebhookSubscription)
                           .where(WebhookSubscription.active.is_(True),
                                  WebhookSubscription.paused_at.is_(None))
                           .order_by(WebhookSubscription.id)).all()
    return [row for row in rows if event in row.event_names]


def emit(session, event, obj=None, *, now=None, key=None, details=None, subscriptions=None):
    """Queue ``event`` about ``obj`` for every subscription that wants it; how many queued.

    ``key`` makes the event's id repeatable (the same overdue point at every planning run);
    ``subscriptions`` sends it to those only (the test send).
    """
    if event not in EVENTS and event != PING:
        raise ValueError(f"unknown webhook event {event!r}")
    targets = _subscribers(session, event) if subscriptions is None else list(subscriptions)
    if not targets:
        return 0
    now = now or utcnow()
    event_id = str(uuid.uuid5(NAMESPACE, key) if key else uuid.uuid4())
    body = json.dumps({"event": event, "id": event_id, "occurred_at": _iso(now),
                       "object": describe(obj, details)}, ensure_ascii=False, sort_keys=True)
    rows = [{"dedupe_key": f"{KIND}:{event_id}:{target.id}", "kind": KIND,
             "recipient": target.url, "recipient_user_id": None, "locale": "",
             "subject": event, "body_text": body, "body_html": None,
             "state": OutboxState.PENDING, "attempts": 0, "next_attempt_at": now,
             "created_at": now, "webhook_id": target.id, "possibly_duplicate": False}
            for target in targets]
    return len(insert_missing(session, OutboxMessage, rows, ["dedupe_key"]))


def notified(session, kind, task, *, now=None, details=None):
    """The webhook event of a notification (``notify``'s kind), if it is one."""
    if kind in NOTIFIED:
        emit(session, NOTIFIED[kind], task, now=now, details=details)


def audited(session, action, obj, *, now=None, summary="", changes=None):
    """The webhook event of an audited action, if it is one."""
    if action in AUDITED:
        details = {"action": action, "summary": summary}
        if changes:
            details["changes"] = changes
        emit(session, AUDITED[action], obj, now=now, details=details)


def reminded(session, points, tasks, *, now):
    """The overdue and escalated events of a planning pass: ``points`` are rows of
    (task_id, kind, point_on), ``tasks`` the tasks by id; each point is one event, once."""
    for task_id, kind, point_on in points:
        if kind in REMINDED and task_id in tasks:
            event = REMINDED[kind]
            emit(session, event, tasks[task_id], now=now,
                 key=f"{event}:{task_id}:{point_on.isoformat()}",
                 details={"point_on": point_on.isoformat()})


def wanted(session, events):
    """Whether any subscription sending now wants one of ``events``."""
    return any(_subscribers(session, event) for event in events)


# The object of an event -----------------------------------------------------------------------

def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def _url(path):
    return f"{current_app.config['BASE_URL'].rstrip('/')}{path}"


def _day(value):
    return value.isoformat() if value is not None else None


def describe(obj, details=None):
    """A JSON summary of ``obj``: its type, ids, the fields a receiver needs, and its URL."""
    table = getattr(obj, "__tablename__", None)
    if table == "tasks":
        summary = {"type": "task", "id": obj.id, "title": obj.title, "status": str(obj.status),
                   "priority": str(obj.priority), "unit_id": obj.unit_id,
                   "unit": obj.unit.name if obj.unit is not None else None,
                   "due_on": _day(obj.due_on), "url": _url(f"/tasks/{obj.id}")}
    elif table == "level_changes":
        summary = {"type": "claim", "id": obj.id, "service_id": obj.service_id,
                   "task_id": obj.task_id, "from_level": obj.from_level,
                   "to_level": obj.to_level, "status": str(obj.status),
                   "effective_on": _day(obj.effective_on),
                   "url": _url(f"/catalog/{obj.service_id}")}
    elif table == "reviews":
        summary = {"type": "review", "id": obj.id, "kind": str(obj.kind),
                   "period_start": _day(obj.period_start), "period_end": _day(obj.period_end),
                   "url": _url(f"/reviews/{obj.id}")}
    elif obj is None and details and details.get("action", "").endswith(".import"):
        summary = {"type": "import", "kind": details["action"].partition(".")[0],
                   "url": _url("/admin/audit")}
    elif obj is None:
        summary = {"type": "none"}
    else:
        summary = {"type": table, "id": getattr(obj, "id", None)}
    if details:
        summary["details"] = details
    return summary
