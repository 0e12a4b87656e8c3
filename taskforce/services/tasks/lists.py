"""The task lists: filters, search and order, the figures beside each task, board, my work."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func, null, or_, select
from sqlalchemy.orm import joinedload, selectinload

from taskforce import permissions
from taskforce.models import (
    OPEN_TASK_STATUSES,
    Decision,
    ExtensionRequest,
    Priority,
    Task,
    TaskKind,
    TaskStatus,
)
from taskforce.services.inserts import id_in
from taskforce.services.tasks.classification import classify
from taskforce.services.tasks.progress import progress_expr, progress_figure, service_progress
from taskforce.services.text import clean

NEW, IN_PROGRESS, REPORTED, DONE, RETURNED, CANCELLED = (
    TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED, TaskStatus.DONE,
    TaskStatus.RETURNED, TaskStatus.CANCELLED)
# The statuses in the order work goes through them, for filters and sorting.
STATUS_ORDER = (NEW, IN_PROGRESS, RETURNED, REPORTED, DONE, CANCELLED)
PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}
SORTS = {"due": "asc", "priority": "desc", "status": "asc", "progress": "asc",
         "updated": "desc", "title": "asc"}
BOARD_COLUMNS = (NEW, IN_PROGRESS, RETURNED, REPORTED, DONE)
BOARD_CAP = 20
OPEN_WORK = "open"


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


def status_choices():
    """The status filter's options, (value, words): open work, then each status in order."""
    return [(OPEN_WORK, _("Open (not done or cancelled)")),
            *[(status, TaskStatus.word(status)) for status in STATUS_ORDER]]


def _conditions(filters, today):
    conditions = []
    if filters.unit_id:
        conditions.append(Task.unit_id == filters.unit_id)
    if filters.member_id:
        conditions.append(or_(Task.follower_id == filters.member_id,
                              Task.assignee_id == filters.member_id))
    if filters.status == OPEN_WORK:
        conditions.append(Task.is_open())
    elif filters.status in set(TaskStatus):
        conditions.append(Task.status == filters.status)
    if filters.kind in set(TaskKind):
        conditions.append(Task.kind == filters.kind)
    if filters.due_within is not None:
        conditions += [Task.is_open(), Task.due_on >= today,
                       Task.due_on <= today + timedelta(days=filters.due_within)]
    if filters.overdue:
        conditions.append(Task.is_overdue(today))
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


def only_open(filters):
    """Whether ``filters`` keep open tasks alone (open work, an open status, overdue, due soon)."""
    return (filters.status == OPEN_WORK or filters.status in OPEN_TASK_STATUSES
            or filters.overdue or filters.due_within is not None)


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
    if filters.sort == "due" and only_open(filters):
        # Every task listed is open: the order is the open-task index's own (due date, id),
        # so a page is read from it instead of sorting every open task (SQLite sorted 12,000
        # to show 100 at size "peer").
        return (first, Task.id)
    if filters.sort == "due":
        # Deadlines matter for open work: done and cancelled tasks come after it.
        closed_last = case((Task.is_open(), 0), else_=1)
        return (closed_last, first, Task.id)
    return (first, Task.due_on, Task.id)


def _with_people():
    # Each is one row per task: joined in the list's own statement, not three more round trips.
    return (joinedload(Task.unit), joinedload(Task.follower), joinedload(Task.assignee))


def search(filters, *, user, today):
    """A query of the tasks ``user`` may see matching ``filters``, in the chosen order."""
    return (select(Task).where(permissions.where(user, "tasks.view"),
                               *_conditions(filters, today))
            .options(*_with_people()).order_by(*_order(filters)))


@dataclass(frozen=True)
class Figures:
    """What a list shows beside each task: progress, extensions, class, overdue."""

    progress: int
    covered: int
    level4: int
    extensions: int
    klass: str | None
    overdue: bool


def extension_counts(session, task_ids):
    """{task_id: approved extensions} (how often the deadline moved), in one query."""
    if not task_ids:
        return {}
    rows = session.execute(
        select(ExtensionRequest.task_id, func.count())
        .where(id_in(session, ExtensionRequest.task_id, task_ids),
               ExtensionRequest.decision == Decision.APPROVED)
        .group_by(ExtensionRequest.task_id))
    return dict(rows.all())


def figures(session, tasks, today):
    """{task_id: Figures} for ``tasks`` in two queries whatever their number."""
    ids = [t.id for t in tasks]
    services = service_progress(session, ids)
    moves = extension_counts(session, ids)
    result = {}
    for task in tasks:
        covered, level4 = services.get(task.id, (0, 0))
        result[task.id] = Figures(progress=progress_figure(task, (covered, level4)),
                                  covered=covered, level4=level4,
                                  extensions=moves.get(task.id, 0),
                                  klass=classify(task, today), overdue=task.is_overdue(today))
    return result


def board(session, filters, *, user, today, cap=BOARD_CAP):
    """[(status, total, first ``cap`` tasks)] per board column, in a fixed number of queries."""
    statuses = [filters.status] if filters.status in set(TaskStatus) else list(BOARD_COLUMNS)
    base = [permissions.where(user, "tasks.view"), Task.status.in_(statuses), *_conditions(
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


# My work --------------------------------------------------------------------------------------

def my_tasks(session, user):
    """A query of the open tasks that are ``user``'s work, most urgent first, or None."""
    condition = permissions.own_work(user)
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
    return session.scalars(select(Task).where(Task.is_overdue(today))
                           .options(*_with_people())
                           .order_by(Task.due_on, Task.id).limit(limit)).all()


def pending_extensions(session, limit=50):
    """Extension requests awaiting the leadership's decision, oldest first."""
    return session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.decision == Decision.PENDING)
        .options(selectinload(ExtensionRequest.task).selectinload(Task.unit),
                 selectinload(ExtensionRequest.requested_by))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id).limit(limit)).all()
