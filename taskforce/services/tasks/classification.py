"""The Decision 42/2014 classes of tasks: done on time or late, open within or past the date.

A task accepted with a shortfall (an upgrade task accepted with services not verified at
level 4, with the leadership's reason) is counted apart, as "done with a shortfall": never
as done on time, whatever its dates.
"""

from sqlalchemy import and_, case, func, null, or_, select

from taskforce.models import Task, TaskClass, TaskStatus

DONE_SHORT = TaskClass.DONE_SHORT.value
# The classes in the order they are shown, as the plain strings stored in review snapshots.
CLASSES = tuple(klass.value for klass in TaskClass)


def classify(task, today):
    """The Decision 42/2014 class of ``task`` on ``today``, against the due date in force."""
    if task.status == TaskStatus.CANCELLED:
        return None
    if task.status == TaskStatus.DONE:
        if task.has_shortfall:
            return DONE_SHORT
        on_time = task.completed_on is None or task.completed_on <= task.due_on
        return "done_on_time" if on_time else "done_late"
    return "open_on_time" if task.due_on >= today else "open_overdue"


def classification_expr(today):
    """``classify`` as an SQL CASE, usable in SELECT and GROUP BY; NULL when cancelled."""
    return case(
        (Task.status == TaskStatus.CANCELLED, null()),
        (and_(Task.status == TaskStatus.DONE, Task.shortfall_reason.is_not(None)), DONE_SHORT),
        (and_(Task.status == TaskStatus.DONE,
              or_(Task.completed_on.is_(None), Task.completed_on <= Task.due_on)),
         "done_on_time"),
        (Task.status == TaskStatus.DONE, "done_late"),
        (Task.due_on >= today, "open_on_time"),
        else_="open_overdue",
    )


def count_by_classification(session, today, unit_id=None):
    """{class: number of tasks} for the classes (every key present)."""
    expr = classification_expr(today)
    query = select(expr, func.count()).where(Task.status != TaskStatus.CANCELLED).group_by(expr)
    if unit_id is not None:
        query = query.where(Task.unit_id == unit_id)
    counts = dict.fromkeys(CLASSES, 0)
    counts.update({key: n for key, n in session.execute(query) if key in counts})
    return counts

