"""The progress of tasks: an upgrade task's share of services verified at level 4, claims.

This is the one place the progress figure is computed: ``progress_of`` (Python, for loaded
tasks) and ``progress_expr`` (SQL, for lists and the reminder e-mails) give the same figure,
a general task's reported percentage or an upgrade task's share of its services verified at
level 4, never a percentage typed in for an upgrade task. The task page, the lists, the
exports, the reviews and the e-mails all read it from here.

A verification changes the progress of the upgrade tasks covering the service, so every
verification goes through ``verify_claim`` here, which verifies in the catalog and then
stores the progress of those tasks.
"""

from flask_babel import gettext as _
from sqlalchemy import Integer, case, cast, func, select

from taskforce.models import Service, Task, TaskKind, task_services
from taskforce.services import catalog
from taskforce.services.errors import DomainError
from taskforce.services.inserts import id_in
from taskforce.services.tasks.guards import check_action
from taskforce.services.tasks.validation import check_not_before_start


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
        .where(id_in(session, task_services.c.task_id, task_ids))
        .group_by(task_services.c.task_id))
    return {task_id: (covered, int(level4 or 0)) for task_id, covered, level4 in rows}


def progress_figure(task, counts):
    """The progress of ``task`` given ``counts`` = (covered services, of them at level 4)."""
    if task.kind != TaskKind.UPGRADE:
        return task.progress
    covered, level4 = counts
    return percent_of(level4, covered)


def progress_of(session, tasks):
    """{task_id: progress} for ``tasks`` in one query: the figure every page and e-mail shows."""
    counts = service_progress(session, [t.id for t in tasks if t.kind == TaskKind.UPGRADE])
    return {t.id: progress_figure(t, counts.get(t.id, (0, 0))) for t in tasks}


def shortfall_of(session, task):
    """(covered services, of them verified at level 4) of an upgrade task; (0, 0) otherwise.

    An upgrade task with fewer verified than covered can only be accepted with a shortfall.
    """
    if task.kind != TaskKind.UPGRADE:
        return 0, 0
    session.flush()
    return service_progress(session, [task.id]).get(task.id, (0, 0))


def refresh_progress(session, task):
    """Store an upgrade task's progress: the share of its services verified at level 4."""
    if task.kind != TaskKind.UPGRADE:
        return task.progress
    session.flush()
    covered, level4 = service_progress(session, [task.id]).get(task.id, (0, 0))
    task.progress = percent_of(level4, covered)
    return task.progress


def refresh_covering_tasks(session, service):
    """Store the progress of the open upgrade tasks that cover ``service``."""
    covering = session.scalars(
        select(Task).join(task_services, task_services.c.task_id == Task.id)
        .where(task_services.c.service_id == service.id, Task.kind == TaskKind.UPGRADE,
               Task.is_open()))
    for task in covering:
        refresh_progress(session, task)


def progress_expr():
    """The progress of each task in SQL, upgrade tasks computed from their services."""
    covered = (select(func.count()).select_from(task_services)
               .where(task_services.c.task_id == Task.id).correlate(Task).scalar_subquery())
    level4 = (select(func.count()).select_from(task_services)
              .join(Service, Service.id == task_services.c.service_id)
              .where(task_services.c.task_id == Task.id, Service.level == 4)
              .correlate(Task).scalar_subquery())
    computed = (200 * level4 + covered) // func.nullif(2 * covered, 0)
    # A whole number on both databases (PostgreSQL's floor division gives a numeric).
    return cast(case((Task.kind == TaskKind.UPGRADE, func.coalesce(computed, 0)),
                     else_=Task.progress), Integer)


def _covered_service(task, service_id):
    service = next((s for s in task.services if s.id == service_id), None)
    if service is None:
        raise DomainError(_("This service is not covered by the task; claim it from the "
                            "catalog instead."), field="service_id")
    return service


def claim_service(session, task, service_id, *, actor, today, to_level, effective_on,
                  note=None, upload=None, upload_dir=None, max_bytes=None,
                  prerequisites=None, now=None):
    """Claim a new level for one of the services the upgrade task covers."""
    check_action(actor, task, "claim")
    service = _covered_service(task, service_id)
    # A level reached before the task began is not the task's work: the catalog's own claim.
    check_not_before_start(task, effective_on, today, "effective_on")
    return catalog.claim_with_upload(
        session, service, actor=actor, to_level=to_level, effective_on=effective_on,
        today=today, upload=upload, upload_dir=upload_dir, max_bytes=max_bytes, note=note,
        task=task, prerequisites=prerequisites, now=now)


def verify_claim(session, change, *, actor, now):
    """Verify a level claim, then store the progress of the open tasks covering its service."""
    catalog.verify_claim(session, change, actor=actor, now=now)
    refresh_covering_tasks(session, change.service)
    return change


def verify_task_claim(session, task, change, *, actor, now):
    """Verify a claim on a service of ``task`` and bring the task's progress up to date."""
    if change.service_id not in {s.id for s in task.services}:
        raise DomainError(_("This claim is not about a service of the task."))
    verify_claim(session, change, actor=actor, now=now)
    refresh_progress(session, task)
    return change
