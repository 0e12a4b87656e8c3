"""The writes on a task: creating and editing it, the status workflow, deadline extensions.

Each write on an existing task starts with ``guards.check_action``, which follows
``permissions.task_actions``: a write is accepted exactly when the task page shows its button.
"""

from flask_babel import gettext as _

from taskforce.models import (
    TASK_TRANSITIONS,
    Decision,
    ExtensionRequest,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
)
from taskforce.models.types import utcnow
from taskforce.services import audit, files, notifications
from taskforce.services.errors import DomainError
from taskforce.services.tasks.guards import check_action, check_manager, state_error
from taskforce.services.tasks.progress import refresh_progress, shortfall_of
from taskforce.services.tasks.validation import (
    active_member,
    check_due,
    check_not_before_start,
    check_priority,
    clean_text,
    clean_title,
    document,
    validated,
)

MAX_FILES = 5
NEW, IN_PROGRESS, REPORTED, DONE, RETURNED, CANCELLED = (
    TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED, TaskStatus.DONE,
    TaskStatus.RETURNED, TaskStatus.CANCELLED)
# The statuses a unit or member may set by logging an update; the rest are decisions.
UPDATE_STATUSES = (IN_PROGRESS, REPORTED)


# Creating and editing -------------------------------------------------------------------------

def create_task(session, draft, *, actor, today, now=None):
    """Create the task of ``draft`` (a ``TaskDraft``) assigned by the leadership, audit it
    and notify who must do it."""
    check_manager(actor)
    task = Task(kind=draft.kind, due_on=draft.due_on, original_due_on=draft.due_on,
                priority=draft.priority, status=NEW, progress=0, created_by_id=actor.id,
                **validated(session, draft, today=today))
    if now is not None:
        task.created_at = task.updated_at = now
    session.add(task)
    session.flush()
    audit.record(session, actor, "task.create", task, now=now, summary=task.title,
                 changes={"kind": task.kind, "due_on": task.due_on.isoformat(),
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
    check_action(actor, task, "edit")
    check_priority(priority)
    new_follower = active_member(session, follower, "follower")
    values = {"title": clean_title(title),
              "description": clean_text(description, field_name="description"),
              "priority": priority, "follower_id": getattr(new_follower, "id", None),
              **document(doc_number, doc_date, doc_title)}
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


# The workflow ---------------------------------------------------------------------------------

def allowed_update_statuses(task):
    """The statuses an update may move ``task`` to (a new task may be reported at once)."""
    if task.status == NEW:
        return list(UPDATE_STATUSES)
    return [s for s in UPDATE_STATUSES if s in TASK_TRANSITIONS.get(task.status, ())]


def _check_transition(task, to):
    if to not in TASK_TRANSITIONS.get(task.status, ()):
        raise DomainError(_("A task cannot go from “%(from)s” to “%(to)s”.",
                            **{"from": TaskStatus.word(task.status), "to": TaskStatus.word(to)}),
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
        task.reported_by_id = actor.id
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


def _note_only(session, task, *, actor, now, note, progress, files_count):
    row = StatusUpdate(task=task, author_id=actor.id, note=note, progress=progress,
                       created_at=now or utcnow())
    session.add(row)
    task.updated_at = now
    session.flush()
    audit.record(session, actor, "task.log", task, now=now, summary=task.title,
                 changes={"progress": progress, "files": files_count})
    return row


def log_update(session, task, *, actor, now, today, note="", progress=None, status=None,
               uploads=(), upload_dir=None, max_bytes=None):
    """Log progress, a note, a status change and evidence files on ``task``."""
    check_action(actor, task, "update")
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
    if progress is not None:
        # Set before the flush that stamps updated_at with ``now``: a later change would be
        # stamped with the wall clock (the column's onupdate).
        task.progress = progress
    if target is not None:
        row = _transition(session, task, target, actor=actor, now=now, today=today,
                          note=note, progress=progress)
    else:
        row = _note_only(session, task, actor=actor, now=now, note=note, progress=progress,
                         files_count=len(chosen))
    for upload in chosen:
        attachment = files.save_upload(session, upload, actor=actor, upload_dir=upload_dir,
                                       max_bytes=max_bytes, task=task)
        attachment.update_id = row.id
    refresh_progress(session, task)
    if target == REPORTED:
        notifications.notify(session, notifications.leadership(session), kind="reported",
                             task=task, actor=actor, now=now)
    session.flush()
    return row


def accept_task(session, task, *, actor, now, today, note="", shortfall_reason=None):
    """Accept a task reported done: it is done from ``today``.

    An upgrade task is done when every service it covers is verified at level 4; else only
    the leadership may accept it with a shortfall, giving the reason, which is kept on the
    task and counts it apart ("done with a shortfall", never done on time).
    """
    check_action(actor, task, "accept")
    covered, verified = shortfall_of(session, task)
    reason = clean_text(shortfall_reason, field_name="shortfall_reason") if covered > verified \
        else ""
    if covered > verified:
        check_action(actor, task, "accept_shortfall")
        if not reason:
            raise DomainError(_("%(missing)s of the %(all)s services are not verified at level "
                                "4: verify their claims first, or accept with a shortfall and "
                                "say why.", missing=covered - verified, all=covered),
                              field="shortfall_reason")
        task.shortfall_reason = reason
    progress = 100 if task.kind == TaskKind.GENERAL else None
    if progress is not None:
        task.progress = progress  # before the transition's flush, which stamps ``now``
    row = _transition(session, task, DONE, actor=actor, now=now, today=today,
                      note=clean_text(note), progress=progress, action="task.accept")
    if reason:
        audit.record(session, actor, "task.accept_shortfall", task, now=now,
                     summary=task.title, changes={"services": covered, "verified": verified,
                                                  "reason": reason})
    refresh_progress(session, task)
    notifications.notify(session, notifications.task_audience(session, task), kind="accepted",
                         task=task, actor=actor, now=now,
                         note=_("Accepted with a shortfall: %(reason)s", reason=reason)
                         if reason else "", facts={"shortfall_reason": reason})
    return row


def _reason(reason, missing):
    reason = clean_text(reason, field_name="reason")
    if not reason:
        raise DomainError(missing, field="reason")
    return reason


def return_task(session, task, *, actor, now, today, reason):
    """Send a task reported done back to the unit with the reason."""
    check_action(actor, task, "return")
    reason = _reason(reason, _("Say why the task is returned."))
    row = _transition(session, task, RETURNED, actor=actor, now=now, today=today, note=reason,
                      action="task.return")
    notifications.notify(session, notifications.task_audience(session, task), kind="returned",
                         task=task, actor=actor, now=now, note=reason)
    return row


def cancel_task(session, task, *, actor, now, today, reason):
    """Cancel an open task, with the reason; its unit and members are told."""
    check_action(actor, task, "cancel")
    reason = _reason(reason, _("Say why the task is cancelled."))
    task.cancelled_reason = reason  # before the transition's flush, which stamps ``now``
    row = _transition(session, task, CANCELLED, actor=actor, now=now, today=today,
                      note=reason, action="task.cancel")
    notifications.notify(session, notifications.task_audience(session, task), kind="cancelled",
                         task=task, actor=actor, now=now, note=reason)
    return row


# Deadline extensions --------------------------------------------------------------------------

def request_extension(session, task, *, actor, now, today, requested_due_on, reason):
    """Ask the leadership for a later due date, with the reason."""
    check_action(actor, task, "extend")
    check_not_before_start(task, requested_due_on, today, "requested_due_on")
    check_due(requested_due_on, today, "requested_due_on")
    if requested_due_on <= task.due_on:
        raise DomainError(_("Ask for a date after the current due date (%(date)s).",
                            date=task.due_on.strftime("%d/%m/%Y")), field="requested_due_on")
    reason = _reason(reason, _("Say why the task needs more time."))
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
                         task=task, actor=actor, now=now, note=reason,
                         facts={"requested_due_on": requested_due_on})
    return request


def decide_extension(session, request, *, actor, now, approve, note=None):
    """Approve (the due date moves, the original stays) or refuse an extension request."""
    task = request.task
    check_action(actor, task, "decide_extension")
    if request.decision != Decision.PENDING:
        raise state_error("decide_extension", "pending_extension")
    if approve and not task.is_open():
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
                         note=request.decision_note or "",
                         facts={"approved": approve,
                                "requested_due_on": request.requested_due_on})
    return request
