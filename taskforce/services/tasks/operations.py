"""Tasks: creation, editing, the status workflow, updates, progress, extensions, classes."""

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, case, false, func, null, or_, select, true
from sqlalchemy.orm import selectinload

from taskforce import permissions
from taskforce.models import (
    OPEN_TASK_STATUSES,
    AuditEvent,
    ClaimStatus,
    Decision,
    ExtensionRequest,
    LevelChange,
    Member,
    Priority,
    ReminderItem,
    Role,
    Service,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
    member_units,
    task_services,
)
from taskforce.models.types import utcnow
from taskforce.services import audit, catalog, exports, files, notifications
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.text import clean

TITLE_MAX = 300
TEXT_MAX = 4000
MAX_FILES = 5
NEW, IN_PROGRESS, REPORTED, DONE, RETURNED, CANCELLED = (
    TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED, TaskStatus.DONE,
    TaskStatus.RETURNED, TaskStatus.CANCELLED)
STATUS_ORDER = (NEW, IN_PROGRESS, RETURNED, REPORTED, DONE, CANCELLED)
# The workflow: which status may follow which. Closed tasks (done, cancelled) go nowhere.
TRANSITIONS = {
    NEW: frozenset({IN_PROGRESS, CANCELLED}),
    IN_PROGRESS: frozenset({REPORTED, CANCELLED}),
    REPORTED: frozenset({DONE, RETURNED, CANCELLED}),
    RETURNED: frozenset({IN_PROGRESS, REPORTED, CANCELLED}),
}
# The statuses a unit or member may set by logging an update; the rest are decisions.
UPDATE_STATUSES = (IN_PROGRESS, REPORTED)
PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}
CLASSES = ("done_on_time", "done_late", "open_on_time", "open_overdue")
SORTS = {"due": "asc", "priority": "desc", "status": "asc", "progress": "asc",
         "updated": "desc", "title": "asc"}
BOARD_COLUMNS = (NEW, IN_PROGRESS, RETURNED, REPORTED, DONE)


# ---------------------------------------------------------------- validation helpers

def clean_text(value, limit=TEXT_MAX, field_name="note"):
    """Multi-line text: NFC, line breaks kept, ends trimmed, refused when too long."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(_("The text is too long: at most %(count)s characters.", count=limit),
                          field=field_name)
    return text


def _check_manager(actor):
    if not permissions.can(actor, "tasks.manage"):
        raise PermissionDenied(_("Only the leadership may create, edit or cancel tasks."))


def _clean_title(title):
    title = clean(title)
    if not title:
        raise DomainError(_("Enter the task's title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("The title is too long: at most %(count)s characters.",
                            count=TITLE_MAX), field="title")
    return title


def _check_due(due_on, today, field_name="due_on"):
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise DomainError(_("Enter the due date as dd/mm/yyyy."), field=field_name)
    if due_on < today:
        raise DomainError(_("The due date cannot be in the past."), field=field_name)


def _active_unit(session, unit):
    unit = session.get(Unit, unit) if isinstance(unit, int) else unit
    if unit is None or not unit.active:
        raise DomainError(_("Unknown unit."), field="unit")
    return unit


def _active_member(session, member, field_name):
    if member is None:
        return None
    member = session.get(Member, member) if isinstance(member, int) else member
    if member is None or not member.active:
        raise DomainError(_("Unknown member of the task force."), field=field_name)
    return member


def _check_priority(priority):
    if priority not in set(Priority):
        raise DomainError(_("Choose a priority."), field="priority")


def _document(doc_number, doc_date, doc_title):
    values = {"doc_number": clean(doc_number) or None, "doc_date": doc_date,
              "doc_title": clean(doc_title) or None}
    if values["doc_number"] and len(values["doc_number"]) > 100:
        raise DomainError(_("The document number is too long."), field="doc_number")
    if values["doc_title"] and len(values["doc_title"]) > 500:
        raise DomainError(_("The document title is too long."), field="doc_title")
    if doc_date is not None and not isinstance(doc_date, date):
        raise DomainError(_("Enter the document's date as dd/mm/yyyy."), field="doc_date")
    return values


def _load_services(session, services):
    ids = {s if isinstance(s, int) else s.id for s in services}
    if not ids:
        return []
    found = session.scalars(select(Service).where(Service.id.in_(ids))).all()
    if len(found) != len(ids):
        raise DomainError(_("Unknown service."), field="services")
    return sorted(found, key=lambda s: s.code)


def _covered_elsewhere(session, service_ids):
    return session.scalars(
        select(Service.code).join(task_services, task_services.c.service_id == Service.id)
        .join(Task, Task.id == task_services.c.task_id)
        .where(Service.id.in_(service_ids), Task.kind == TaskKind.UPGRADE,
               Task.is_open())
        .distinct().order_by(Service.code)).all()


def _check_upgrade_services(session, unit, services):
    if unit is None:
        raise DomainError(_("An upgrade task must be assigned to a unit."), field="unit")
    if not services:
        raise DomainError(_("Choose at least one service to upgrade."), field="services")
    for service in services:
        if service.unit_id != unit.id or not service.active:
            raise DomainError(_("The service %(code)s does not belong to %(unit)s.",
                                code=service.code, unit=unit.name), field="services")
        if service.level >= 4:
            raise DomainError(_("The service %(code)s is already at level 4.",
                                code=service.code), field="services")
    taken = _covered_elsewhere(session, [s.id for s in services])
    if taken:
        raise DomainError(_("Already covered by another open upgrade task: %(codes)s.",
                            codes=", ".join(taken)), field="services")


def _validated(session, *, today, kind, title, due_on, unit, assignee, follower, priority,
               services):
    if kind not in set(TaskKind):
        raise DomainError(_("Choose the kind of task."), field="kind")
    values = {"title": _clean_title(title)}
    _check_due(due_on, today)
    values["unit"] = _active_unit(session, unit) if unit is not None else None
    values["assignee"] = _active_member(session, assignee, "assignee")
    values["follower"] = _active_member(session, follower, "follower")
    _check_priority(priority)
    chosen = _load_services(session, services)
    if kind == TaskKind.UPGRADE:
        _check_upgrade_services(session, values["unit"], chosen)
    elif values["unit"] is None and values["assignee"] is None:
        raise DomainError(_("Assign the task to a unit or to a member."), field="unit")
    elif chosen:
        raise DomainError(_("Only an upgrade task covers services."), field="services")
    values["services"] = chosen
    return values


# ---------------------------------------------------------------- creating and editing

def create_task(session, *, actor, today, kind, title, due_on, unit=None, assignee=None,
                follower=None, priority="normal", description="", doc_number=None,
                doc_date=None, doc_title=None, services=(), now=None):
    """Create a task assigned by the leadership, audit it and notify who must do it."""
    _check_manager(actor)
    values = _validated(session, today=today, kind=kind, title=title, due_on=due_on, unit=unit,
                        assignee=assignee, follower=follower, priority=priority,
                        services=services)
    document = _document(doc_number, doc_date, doc_title)
    task = Task(kind=kind, title=values["title"],
                description=clean_text(description, field_name="description"),
                unit=values["unit"], assignee=values["assignee"], follower=values["follower"],
                due_on=due_on, original_due_on=due_on, priority=priority, status=NEW,
                progress=0, created_by_id=actor.id, services=values["services"], **document)
    if now is not None:
        task.created_at = task.updated_at = now
    session.add(task)
    session.flush()
    audit.record(session, actor, "task.create", task, now=now, summary=task.title,
                 changes={"kind": kind, "due_on": due_on.isoformat(),
                          "unit_id": task.unit_id, "assignee_id": task.assignee_id,
                          "follower_id": task.follower_id,
                          "services": [s.code for s in task.services]})
    notifications.notify(session, notifications.task_audience(session, task), kind="assigned",
                         task=task, actor=actor, now=now)
    return task


def edit_task(session, task, *, actor, now, title, description="", priority="normal",
              follower=None, doc_number=None, doc_date=None, doc_title=None):
    """Change a task's wording, priority, follower or document; the due date moves only
    through an extension."""
    _check_manager(actor)
    if task.status == CANCELLED:
        raise DomainError(_("A cancelled task cannot be edited."))
    _check_priority(priority)
    new_follower = _active_member(session, follower, "follower")
    values = {"title": _clean_title(title),
              "description": clean_text(description, field_name="description"),
              "priority": priority, "follower_id": getattr(new_follower, "id", None),
              **_document(doc_number, doc_date, doc_title)}
    changes = audit.diff(task, values)
    if not changes:
        return task
    for key, value in values.items():
        setattr(task, key, value)
    task.updated_at = now
    session.flush()
    audit.record(session, actor, "task.edit", task, now=now, summary=task.title,
                 changes=changes)
    if "follower_id" in changes and new_follower is not None:
        notifications.notify(session, [new_follower.user], kind="assigned", task=task,
                             actor=actor, now=now)
    return task


# ---------------------------------------------------------------- the workflow

def is_open(task):
    return task.status in OPEN_TASK_STATUSES


def allowed_update_statuses(task):
    """The statuses an update may move ``task`` to (a new task may be reported at once)."""
    if task.status == NEW:
        return list(UPDATE_STATUSES)
    return [s for s in UPDATE_STATUSES if s in TRANSITIONS.get(task.status, ())]


def _check_transition(task, to):
    if to not in TRANSITIONS.get(task.status, ()):
        raise DomainError(_("A task cannot go from “%(from)s” to “%(to)s”.",
                            **{"from": status_label(task.status), "to": status_label(to)}),
                          field="status")


def _transition(session, task, to, *, actor, now, today, note="", progress=None,
                action="task.status"):
    """Move ``task`` to ``to``: a timeline entry, the dates it sets, an audit event."""
    _check_transition(task, to)
    before = task.status
    row = StatusUpdate(task=task, author_id=actor.id, note=note, progress=progress,
                       status_from=before, status_to=to, created_at=now or utcnow())
    session.add(row)
    task.status = to
    task.updated_at = now
    if to == REPORTED:
        task.reported_at = now
    if to == DONE:
        task.completed_at = now
        task.completed_on = today
    session.flush()
    audit.record(session, actor, action, task, now=now, summary=task.title,
                 changes={"status": [before, to], **({"note": note} if note else {})})
    return row


def _update_target(task, requested):
    """The status an update leads to, or None when it leaves the status as it is."""
    if requested and requested not in UPDATE_STATUSES:
        raise DomainError(_("This status is set by a decision of the leadership, not by an "
                            "update."), field="status")
    if not requested or requested == task.status:
        return IN_PROGRESS if task.status in (NEW, RETURNED) else None
    if task.status == NEW and requested == REPORTED:
        return REPORTED
    _check_transition(task, requested)
    return requested


def _check_progress(task, progress):
    if progress is None or task.kind == TaskKind.UPGRADE:
        return None
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise DomainError(_("The progress is a whole number from 0 to 100."), field="progress")
    return progress


def _real_uploads(uploads):
    chosen = [u for u in uploads or () if u is not None and getattr(u, "filename", "")]
    if len(chosen) > MAX_FILES:
        raise DomainError(_("Attach at most %(count)s files to one update.", count=MAX_FILES),
                          field="evidence")
    return chosen


def _check_loggable(actor, task):
    if not permissions.can(actor, "tasks.log", task):
        raise PermissionDenied(_("You may not log status on this task."))
    if not is_open(task):
        raise DomainError(_("This task is closed: it takes no more updates."))


def log_update(session, task, *, actor, now, today, note="", progress=None, status=None,
               uploads=(), upload_dir=None, max_bytes=None):
    """Log progress, a note, a status change and evidence files on ``task``."""
    _check_loggable(actor, task)
    note = clean_text(note)
    progress = _check_progress(task, progress)
    target = _update_target(task, status or None)
    chosen = _real_uploads(uploads)
    if not (note or progress is not None or target or chosen):
        raise DomainError(_("Write a note, give the progress, change the status or attach a "
                            "file."), field="note")
    if task.status == NEW and target == REPORTED:
        # The first update starts the work; reporting it done is the next step.
        _transition(session, task, IN_PROGRESS, actor=actor, now=now, today=today)
    if target is not None:
        row = _transition(session, task, target, actor=actor, now=now, today=today,
                          note=note, progress=progress)
    else:
        row = StatusUpdate(task=task, author_id=actor.id, note=note, progress=progress,
                           created_at=now or utcnow())
        session.add(row)
        task.updated_at = now
        session.flush()
        audit.record(session, actor, "task.log", task, now=now, summary=task.title,
                     changes={"progress": progress, "files": len(chosen)})
    for upload in chosen:
        attachment = files.save_upload(session, upload, actor=actor, upload_dir=upload_dir,
                                       max_bytes=max_bytes, task=task)
        attachment.update_id = row.id
    if progress is not None:
        task.progress = progress
    refresh_progress(session, task)
    if target == REPORTED:
        notifications.notify(session, notifications.leadership(session), kind="reported",
                             task=task, actor=actor, now=now)
    session.flush()
    return row


def _check_verifier(actor, task):
    if not permissions.can(actor, "claims.verify", task):
        raise PermissionDenied(_("Only the leadership or a verifier may accept or return a "
                                 "task."))


def accept_task(session, task, *, actor, now, today, note=""):
    """Accept a task reported done: it is done from ``today``."""
    _check_verifier(actor, task)
    if task.status != REPORTED:
        raise DomainError(_("Only a task reported done can be accepted."))
    progress = 100 if task.kind == TaskKind.GENERAL else None
    row = _transition(session, task, DONE, actor=actor, now=now, today=today,
                      note=clean_text(note), progress=progress, action="task.accept")
    if progress is not None:
        task.progress = progress
    refresh_progress(session, task)
    notifications.notify(session, notifications.task_audience(session, task), kind="accepted",
                         task=task, actor=actor, now=now)
    return row


def return_task(session, task, *, actor, now, today, reason):
    """Send a task reported done back to the unit with the reason."""
    _check_verifier(actor, task)
    if task.status != REPORTED:
        raise DomainError(_("Only a task reported done can be returned."))
    reason = clean_text(reason, field_name="reason")
    if not reason:
        raise DomainError(_("Say why the task is returned."), field="reason")
    row = _transition(session, task, RETURNED, actor=actor, now=now, today=today, note=reason,
                      action="task.return")
    notifications.notify(session, notifications.task_audience(session, task), kind="returned",
                         task=task, actor=actor, now=now, note=reason)
    return row


def cancel_task(session, task, *, actor, now, today, reason):
    """Cancel an open task, with the reason; its unit and members are told."""
    _check_manager(actor)
    if not is_open(task):
        raise DomainError(_("Only an open task can be cancelled."))
    reason = clean_text(reason, field_name="reason")
    if not reason:
        raise DomainError(_("Say why the task is cancelled."), field="reason")
    row = _transition(session, task, CANCELLED, actor=actor, now=now, today=today,
                      note=reason, action="task.cancel")
    task.cancelled_reason = reason
    notifications.notify(session, notifications.task_audience(session, task), kind="cancelled",
                         task=task, actor=actor, now=now, note=reason)
    return row


# ---------------------------------------------------------------- progress and claims

def percent_of(part, whole):
    """``part`` of ``whole`` as a whole percentage, halves rounded up; 0 when empty."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def service_progress(session, task_ids):
    """{task_id: (covered services, of them verified at level 4)} in one query."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(task_services.c.task_id, func.count(),
               func.sum(case((Service.level == 4, 1), else_=0)))
        .join(Service, Service.id == task_services.c.service_id)
        .where(task_services.c.task_id.in_(task_ids))
        .group_by(task_services.c.task_id))
    return {task_id: (covered, int(level4 or 0)) for task_id, covered, level4 in rows}


def refresh_progress(session, task):
    """Store an upgrade task's progress: the share of its services verified at level 4."""
    if task.kind != TaskKind.UPGRADE:
        return task.progress
    session.flush()
    covered, level4 = service_progress(session, [task.id]).get(task.id, (0, 0))
    task.progress = percent_of(level4, covered)
    return task.progress


def progress_expr():
    """The progress of each task in SQL, upgrade tasks computed from their services."""
    covered = (select(func.count()).select_from(task_services)
               .where(task_services.c.task_id == Task.id).correlate(Task).scalar_subquery())
    level4 = (select(func.count()).select_from(task_services)
              .join(Service, Service.id == task_services.c.service_id)
              .where(task_services.c.task_id == Task.id, Service.level == 4)
              .correlate(Task).scalar_subquery())
    computed = (200 * level4 + covered) // func.nullif(2 * covered, 0)
    return case((Task.kind == TaskKind.UPGRADE, func.coalesce(computed, 0)),
                else_=Task.progress)


def _covered_service(task, service_id):
    service = next((s for s in task.services if s.id == service_id), None)
    if service is None:
        raise DomainError(_("This service is not covered by the task; claim it from the "
                            "catalog instead."), field="service_id")
    return service


def claim_service(session, task, service_id, *, actor, today, to_level, effective_on,
                  note=None, upload=None, upload_dir=None, max_bytes=None,
                  prerequisites=None):
    """Claim a new level for one of the services the upgrade task covers."""
    _check_loggable(actor, task)
    service = _covered_service(task, service_id)
    return catalog.claim_with_upload(
        session, service, actor=actor, to_level=to_level, effective_on=effective_on,
        today=today, upload=upload, upload_dir=upload_dir, max_bytes=max_bytes, note=note,
        task=task, prerequisites=prerequisites)


def verify_task_claim(session, task, change, *, actor, now):
    """Verify a claim on a service of ``task`` and bring the task's progress up to date."""
    if change.service_id not in {s.id for s in task.services}:
        raise DomainError(_("This claim is not about a service of the task."))
    catalog.verify_claim(session, change, actor=actor, now=now)
    refresh_progress(session, task)
    return change


# ---------------------------------------------------------------- deadline extensions

def pending_extension(task):
    return next((e for e in task.extensions if e.decision == Decision.PENDING), None)


def request_extension(session, task, *, actor, now, today, requested_due_on, reason):
    """Ask the leadership for a later due date, with the reason."""
    _check_loggable(actor, task)
    if pending_extension(task) is not None:
        raise DomainError(_("An extension is already awaiting a decision."),
                          field="requested_due_on")
    _check_due(requested_due_on, today, "requested_due_on")
    if requested_due_on <= task.due_on:
        raise DomainError(_("Ask for a date after the current due date (%(date)s).",
                            date=task.due_on.strftime("%d/%m/%Y")), field="requested_due_on")
    reason = clean_text(reason, field_name="reason")
    if not reason:
        raise DomainError(_("Say why the task needs more time."), field="reason")
    request = ExtensionRequest(task=task, previous_due_on=task.due_on,
                               requested_due_on=requested_due_on, reason=reason,
                               requested_by_id=actor.id, requested_at=now or utcnow())
    session.add(request)
    session.flush()
    audit.record(session, actor, "extension.request", task, now=now, summary=task.title,
                 changes={"extension_id": request.id,
                          "due_on": [task.due_on.isoformat(), requested_due_on.isoformat()],
                          "reason": reason})
    notifications.notify(session, notifications.leadership(session), kind="extension_asked",
                         task=task, actor=actor, now=now, note=reason)
    return request


def decide_extension(session, request, *, actor, now, approve, note=None):
    """Approve (the due date moves, the original stays) or refuse an extension request."""
    _check_manager(actor)
    task = request.task
    if request.decision != Decision.PENDING:
        raise DomainError(_("This request has already been decided."))
    if approve and not is_open(task):
        raise DomainError(_("The task is closed: its due date can no longer move."))
    request.decision = Decision.APPROVED if approve else Decision.REFUSED
    request.decided_by_id = actor.id
    request.decided_at = now
    request.decision_note = clean_text(note, field_name="note") or None
    changes = {"extension_id": request.id, "decision": request.decision}
    if approve:
        changes["due_on"] = [task.due_on.isoformat(), request.requested_due_on.isoformat()]
        task.due_on = request.requested_due_on
        task.updated_at = now
    session.flush()
    action = "extension.approve" if approve else "extension.refuse"
    audit.record(session, actor, action, task, now=now, summary=task.title, changes=changes)
    notifications.notify(session, notifications.task_audience(session, task),
                         kind="extension_decided", task=task, actor=actor, now=now,
                         note=request.decision_note or "")
    return request


def extension_counts(session, task_ids):
    """{task_id: approved extensions} (how often the deadline moved), in one query."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(ExtensionRequest.task_id, func.count())
        .where(ExtensionRequest.task_id.in_(task_ids),
               ExtensionRequest.decision == Decision.APPROVED)
        .group_by(ExtensionRequest.task_id))
    return dict(rows.all())


# ---------------------------------------------------------------- classification

def classify(task, today):
    """The Decision 42/2014 class of ``task`` on ``today``, against the due date in force."""
    if task.status == CANCELLED:
        return None
    if task.status == DONE:
        on_time = task.completed_on is None or task.completed_on <= task.due_on
        return "done_on_time" if on_time else "done_late"
    return "open_on_time" if task.due_on >= today else "open_overdue"


def classification_expr(today):
    """``classify`` as an SQL CASE, usable in SELECT and GROUP BY; NULL when cancelled."""
    return case(
        (Task.status == CANCELLED, null()),
        (and_(Task.status == DONE,
              or_(Task.completed_on.is_(None), Task.completed_on <= Task.due_on)),
         "done_on_time"),
        (Task.status == DONE, "done_late"),
        (Task.due_on >= today, "open_on_time"),
        else_="open_overdue",
    )


def count_by_classification(session, today, unit_id=None):
    """{class: number of tasks} for the four classes (every key present)."""
    expr = classification_expr(today)
    query = select(expr, func.count()).where(Task.status != CANCELLED).group_by(expr)
    if unit_id is not None:
        query = query.where(Task.unit_id == unit_id)
    counts = dict.fromkeys(CLASSES, 0)
    counts.update({key: n for key, n in session.execute(query) if key in counts})
    return counts


def is_overdue(task, today):
    return is_open(task) and task.due_on < today


# ---------------------------------------------------------------- lists

@dataclass
class Filters:
    """What a task list is narrowed to; every field optional."""

    unit_id: int | None = None
    member_id: int | None = None
    status: str = ""
    kind: str = ""
    due_within: int | None = None
    overdue: bool = False
    q: str = ""
    sort: str = "due"
    direction: str = ""

    def __post_init__(self):
        if self.sort not in SORTS:
            self.sort = "due"
        if self.direction not in ("asc", "desc"):
            self.direction = SORTS[self.sort]


def visible_to(user):
    """The SQL condition for the tasks ``user`` may see (a unit officer: their unit's)."""
    if user.role == Role.UNIT_OFFICER:
        return Task.unit_id == user.unit_id if user.unit_id else false()
    return true()


def _conditions(filters, today):
    conditions = []
    if filters.unit_id:
        conditions.append(Task.unit_id == filters.unit_id)
    if filters.member_id:
        conditions.append(or_(Task.follower_id == filters.member_id,
                              Task.assignee_id == filters.member_id))
    if filters.status == "open":
        conditions.append(Task.is_open())
    elif filters.status in set(TaskStatus):
        conditions.append(Task.status == filters.status)
    if filters.kind in set(TaskKind):
        conditions.append(Task.kind == filters.kind)
    if filters.due_within is not None:
        conditions += [Task.is_open(), Task.due_on >= today,
                       Task.due_on <= today + timedelta(days=filters.due_within)]
    if filters.overdue:
        conditions += [Task.is_open(), Task.due_on < today]
    if clean(filters.q):
        pattern = _contains(filters.q)
        conditions.append(or_(func.lower(Task.title).like(pattern, escape="\\"),
                              func.lower(Task.doc_number).like(pattern, escape="\\")))
    return conditions


def _contains(text):
    # Titles are stored with their accents, so match the words as typed (lower case).
    key = clean(text).lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{key}%"


def _status_rank():
    return case(*[(Task.status == s, i) for i, s in enumerate(STATUS_ORDER)], else_=99)


def _order(filters):
    column = {
        "due": Task.due_on,
        "priority": case(*[(Task.priority == p, r) for p, r in PRIORITY_RANK.items()],
                         else_=0),
        "status": _status_rank(),
        "progress": progress_expr(),
        "updated": Task.updated_at,
        "title": Task.title,
    }[filters.sort]
    first = column.desc() if filters.direction == "desc" else column.asc()
    if filters.sort == "due":
        # Deadlines matter for open work: done and cancelled tasks come after it.
        closed_last = case((Task.is_open(), 0), else_=1)
        return (closed_last, first, Task.id)
    return (first, Task.due_on, Task.id)


def _with_people():
    return (selectinload(Task.unit), selectinload(Task.follower),
            selectinload(Task.assignee))


def search(filters, *, user, today):
    """A query of the tasks ``user`` may see matching ``filters``, in the chosen order."""
    return (select(Task).where(visible_to(user), *_conditions(filters, today))
            .options(*_with_people()).order_by(*_order(filters)))


@dataclass
class Figures:
    """What a list shows beside each task: progress, extensions, class, overdue."""

    progress: int = 0
    covered: int = 0
    level4: int = 0
    extensions: int = 0
    klass: str | None = None
    overdue: bool = False


def figures(session, tasks, today):
    """{task_id: Figures} for ``tasks`` in two queries whatever their number."""
    ids = [t.id for t in tasks]
    services = service_progress(session, ids)
    moves = extension_counts(session, ids)
    result = {}
    for task in tasks:
        covered, level4 = services.get(task.id, (0, 0))
        progress = percent_of(level4, covered) if task.kind == TaskKind.UPGRADE \
            else task.progress
        result[task.id] = Figures(progress=progress, covered=covered, level4=level4,
                                  extensions=moves.get(task.id, 0),
                                  klass=classify(task, today), overdue=is_overdue(task, today))
    return result


BOARD_CAP = 20


def board(session, filters, *, user, today, cap=BOARD_CAP):
    """[(status, total, first ``cap`` tasks)] per board column, in a fixed number of queries."""
    statuses = [filters.status] if filters.status in set(TaskStatus) else list(BOARD_COLUMNS)
    base = [visible_to(user), Task.status.in_(statuses), *_conditions(
        Filters(**{**filters.__dict__, "status": ""}), today)]
    totals = dict(session.execute(select(Task.status, func.count()).where(*base)
                                  .group_by(Task.status)).all())
    done_first = case((Task.status == DONE, Task.completed_at), else_=null())
    rank = func.row_number().over(partition_by=Task.status,
                                  order_by=(done_first.desc(), Task.due_on, Task.id))
    ranked = select(Task.id.label("id"), rank.label("rank")).where(*base).subquery()
    tasks = session.scalars(
        select(Task).join(ranked, ranked.c.id == Task.id).where(ranked.c.rank <= cap)
        .options(*_with_people()).order_by(ranked.c.rank)).all()
    columns = []
    for status in statuses:
        columns.append((status, totals.get(status, 0), [t for t in tasks if t.status == status]))
    return columns, tasks


# ---------------------------------------------------------------- my work

def _my_conditions(user):
    """Conditions for the tasks that are ``user``'s own work, or None when there are none."""
    if user.role == Role.UNIT_OFFICER:
        return Task.unit_id == user.unit_id if user.unit_id else None
    member = user.member
    if member is None:
        return None
    followed = select(member_units.c.unit_id).where(member_units.c.member_id == member.id)
    return or_(Task.follower_id == member.id, Task.assignee_id == member.id,
               Task.unit_id.in_(followed))


def my_tasks(session, user):
    """A query of the open tasks that are ``user``'s work, most urgent first, or None."""
    condition = _my_conditions(user)
    if condition is None:
        return None
    return (select(Task).where(condition, Task.is_open())
            .options(*_with_people()).order_by(Task.due_on, Task.id))


def awaiting_acceptance(session, limit=50):
    """Tasks reported done, oldest report first (for whoever may accept them)."""
    return session.scalars(select(Task).where(Task.status == REPORTED)
                           .options(*_with_people())
                           .order_by(Task.reported_at, Task.id).limit(limit)).all()


def overdue_tasks(session, today, limit=50):
    """Open tasks past their due date, most overdue first."""
    return session.scalars(select(Task).where(Task.is_open(),
                                              Task.due_on < today)
                           .options(*_with_people())
                           .order_by(Task.due_on, Task.id).limit(limit)).all()


def pending_extensions(session, limit=50):
    """Extension requests awaiting the leadership's decision, oldest first."""
    return session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.decision == Decision.PENDING)
        .options(selectinload(ExtensionRequest.task).selectinload(Task.unit),
                 selectinload(ExtensionRequest.requested_by))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id).limit(limit)).all()


# ---------------------------------------------------------------- the task page

@dataclass
class Entry:
    """One line of a task's timeline."""

    at: datetime
    kind: str
    actor: Any = None
    item: Any = None
    extra: dict = field(default_factory=dict)


def load_task(session, task_id):
    """A task with what its page shows, or None."""
    return session.scalar(
        select(Task).where(Task.id == task_id)
        .options(*_with_people(), selectinload(Task.created_by),
                 selectinload(Task.services),
                 selectinload(Task.updates).selectinload(StatusUpdate.author),
                 selectinload(Task.updates).selectinload(StatusUpdate.attachments),
                 selectinload(Task.extensions).selectinload(ExtensionRequest.requested_by),
                 selectinload(Task.extensions).selectinload(ExtensionRequest.decided_by)))


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


def timeline(task, claims, reminder_items):
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
    return TaskPage(
        figures=figures(session, [task], today)[task.id], claims=claims,
        pending={c.service_id: c for c in claims if c.status == ClaimStatus.PENDING},
        timeline=timeline(task, claims, reminder_items), events=audit_events(session, task),
        reminders=reminder_items)


# ---------------------------------------------------------------- form choices

def member_choices(session):
    """The active members of the task force, in the roster's order."""
    return session.scalars(select(Member).where(Member.active.is_(True))
                           .order_by(Member.display_order, Member.full_name)).all()


def upgradable_services(session, unit_id):
    """A unit's active services below level 4 that no open upgrade task covers yet."""
    if not unit_id:
        return []
    taken = (select(task_services.c.service_id)
             .join(Task, Task.id == task_services.c.task_id)
             .where(Task.kind == TaskKind.UPGRADE, Task.is_open()))
    return session.scalars(
        select(Service).where(Service.unit_id == unit_id, Service.active.is_(True),
                              Service.level < 4, Service.id.not_in(taken))
        .order_by(Service.code)).all()


def unit_follower(session, unit_id):
    """The first member (in roster order) who follows the unit, or None."""
    if not unit_id:
        return None
    return session.scalar(
        select(Member).join(member_units, member_units.c.member_id == Member.id)
        .where(member_units.c.unit_id == unit_id, Member.active.is_(True))
        .order_by(Member.display_order, Member.id).limit(1))


# ---------------------------------------------------------------- labels and export

def status_label(status):
    return {
        NEW: _("New"), IN_PROGRESS: _("In progress"), REPORTED: _("Reported done"),
        DONE: _("Done"), RETURNED: _("Returned"), CANCELLED: _("Cancelled"),
    }.get(status, status)


def class_label(klass):
    return {
        "done_on_time": _("Done on time"), "done_late": _("Done late"),
        "open_on_time": _("Open, within the deadline"), "open_overdue": _("Open, overdue"),
    }.get(klass, "")


def kind_label(kind):
    return {TaskKind.UPGRADE: _("Upgrade"), TaskKind.GENERAL: _("General")}.get(kind, kind)


def priority_label(priority):
    return {Priority.LOW: _("Low"), Priority.NORMAL: _("Normal"), Priority.HIGH: _("High"),
            Priority.URGENT: _("Urgent")}.get(priority, priority)


def export_workbook(session, filters, *, user, today):
    """The filtered task list as an .xlsx file (bytes)."""
    tasks = session.scalars(search(filters, user=user, today=today)).all()
    numbers = figures(session, tasks, today)
    headers = [_("No."), _("Task"), _("Kind"), _("Unit"), _("Assigned member"),
               _("Followed by"), _("Priority"), _("Status"), _("Progress (%)"),
               _("Due date"), _("Original due date"), _("Deadline moved (times)"),
               _("Classification"), _("Completed on"), _("Directive document")]
    rows = [[task.id, task.title, kind_label(task.kind), _name(task.unit),
             _name(task.assignee, "full_name"), _name(task.follower, "full_name"),
             priority_label(task.priority), status_label(task.status),
             numbers[task.id].progress, task.due_on, task.original_due_on,
             numbers[task.id].extensions, class_label(numbers[task.id].klass),
             task.completed_on, task.doc_number or ""] for task in tasks]
    return exports.workbook([(_("Tasks"), headers, rows)])


def _name(obj, attribute="name"):
    return getattr(obj, attribute) if obj is not None else ""
