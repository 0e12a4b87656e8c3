"""In-app notifications: who hears of a task's events, unread counts, marking as read."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from taskforce.models import Member, Notification, Role, Task, User
from taskforce.models.types import utcnow
from taskforce.services import webhook_events
from taskforce.services.mail import workflow

KINDS = ("assigned", "returned", "accepted", "reported", "due_soon", "overdue", "cancelled",
         "claim_verified", "claim_returned", "extension_asked", "extension_decided")


def task_audience(session, task):
    """The active users concerned by a task: its unit's officers and the members on it."""
    member_ids = [m for m in (task.follower_id, task.assignee_id) if m]
    conditions = []
    if task.unit_id:
        conditions.append((User.role == Role.UNIT_OFFICER) & (User.unit_id == task.unit_id))
    if member_ids:
        conditions.append(User.id.in_(select(Member.user_id).where(Member.id.in_(member_ids))))
    if not conditions:
        return []
    return session.scalars(select(User).where(User.active.is_(True), or_(*conditions))).all()


def leadership(session):
    """The active users of the leadership (leader and deputies)."""
    return session.scalars(select(User).where(User.active.is_(True),
                                              User.role == Role.LEADER)).all()


def notify(session, users, *, kind, task=None, note="", actor=None, now=None, unit=None,
           facts=None):
    """Add one notification of ``kind`` per user, skipping the actor who caused it, and
    queue the event's e-mails (``services.mail.workflow``: the unit's addresses too) and its
    webhook deliveries (``services.webhook_events``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    users = list(users)
    workflow.announce(session, workflow.Event(kind=kind, task=task, unit=unit,
                                              users=tuple(users), note=note or "", actor=actor,
                                              now=now, facts=facts or {}))
    webhook_events.notified(session, kind, task, now=now,
                            details={"note": note} if note else None)
    seen = set()
    made = []
    for user in users:
        if user is None or user.id in seen or (actor is not None and user.id == actor.id):
            continue
        seen.add(user.id)
        made.append(Notification(user_id=user.id, kind=kind, task_id=getattr(task, "id", None),
                                 message=note or "", created_at=now or utcnow()))
    session.add_all(made)
    return made


def unread_count(session, user):
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def for_user(user, unread_only=False):
    """A query of the user's notifications (or only the unread ones), newest first."""
    query = (select(Notification).where(Notification.user_id == user.id)
             .options(selectinload(Notification.task).selectinload(Task.unit))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query


def mark_read(session, user, ids=None, now=None):
    """Mark some (or all) of the user's notifications as read; others' are never touched."""
    query = (update(Notification)
             .where(Notification.user_id == user.id, Notification.read_at.is_(None))
             .values(read_at=now or utcnow()))
    if ids is not None:
        query = query.where(Notification.id.in_(ids))
    return session.execute(query).rowcount


def describe(notification):
    """The notification as a sentence in the reader's language."""
    title = notification.task.title_and_unit if notification.task is not None else ""
    if notification.kind == "webhook_paused":
        return _("Webhook paused after a day of failed deliveries: %(name)s",
                 name=notification.message)
    return workflow.event_sentence(notification.kind, title)
