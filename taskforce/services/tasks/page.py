"""The task page: the figures, the level claims, the merged timeline, audit and reminders."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from taskforce.models import AuditEvent, ClaimStatus, LevelChange, ReminderItem, Task
from taskforce.services.tasks.lists import Figures, figures


@dataclass
class Entry:
    """One line of a task's timeline."""

    at: datetime
    kind: str
    actor: Any = None
    item: Any = None
    extra: dict = field(default_factory=dict)


def task_claims(session, task):
    """The level claims made through ``task`` or pending on its services, newest first."""
    service_ids = [s.id for s in task.services]
    about = LevelChange.task_id == task.id
    if service_ids:
        about = or_(about, and_(LevelChange.service_id.in_(service_ids),
                                LevelChange.status == ClaimStatus.PENDING))
    return session.scalars(
        select(LevelChange).where(about)
        .options(selectinload(LevelChange.service), selectinload(LevelChange.claimed_by),
                 selectinload(LevelChange.verified_by), selectinload(LevelChange.evidence))
        .order_by(LevelChange.claimed_at.desc(), LevelChange.id.desc())).all()


def audit_events(session, task):
    """The audit events recorded on ``task``, newest first."""
    return session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == Task.__tablename__,
                                 AuditEvent.object_id == task.id)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()


def reminders(session, task):
    """The reminders sent about ``task``, newest first."""
    return session.scalars(select(ReminderItem).where(ReminderItem.task_id == task.id)
                           .order_by(ReminderItem.point_on.desc(),
                                     ReminderItem.id.desc())).all()


def _shortfall_entry(task, events):
    # The acceptance with a shortfall, with the counts its audit event kept.
    event = next((e for e in events if e.action == "task.accept_shortfall"), None)
    counts = (event.changes or {}) if event is not None else {}
    return Entry(task.completed_at, "shortfall", event.actor if event else None, task,
                 extra={"services": counts.get("services"), "verified": counts.get("verified")})


def timeline(task, claims, reminder_items, events=()):
    """The task's history, newest first: updates, claims, decisions, extensions, reminders."""
    updates = sorted(task.updates, key=lambda u: (u.created_at, u.id))
    entries = [Entry(u.created_at, "update", u.author, u) for u in updates]
    for change in claims:
        if change.task_id != task.id:
            continue
        entries.append(Entry(change.claimed_at, "claim", change.claimed_by, change))
        if change.verified_at is not None:
            entries.append(Entry(change.verified_at, "claim_" + change.status,
                                 change.verified_by, change))
    for request in task.extensions:
        entries.append(Entry(request.requested_at, "extension_asked", request.requested_by,
                             request))
        if request.decided_at is not None:
            entries.append(Entry(request.decided_at, "extension_" + request.decision,
                                 request.decided_by, request))
    entries += [Entry(r.created_at, "reminder", None, r) for r in reminder_items]
    if task.has_shortfall:
        entries.append(_shortfall_entry(task, events))
    # Entries made in one step share their time; the later-built one is the later event.
    order = {id(entry): n for n, entry in enumerate(entries)}
    return sorted(entries, key=lambda e: (e.at, order[id(e)]), reverse=True)


@dataclass
class TaskPage:
    """Everything the task page shows beyond the task itself."""

    figures: Figures
    claims: list
    pending: dict
    timeline: list
    events: list
    reminders: list


def task_page(session, task, today):
    """Gather the task page: figures, claims, the merged timeline, audit, reminders."""
    claims = task_claims(session, task)
    reminder_items = reminders(session, task)
    events = audit_events(session, task)
    return TaskPage(
        figures=figures(session, [task], today)[task.id], claims=claims,
        pending={c.service_id: c for c in claims if c.status == ClaimStatus.PENDING},
        timeline=timeline(task, claims, reminder_items, events), events=events,
        reminders=reminder_items)
