"""The task list as an Excel workbook."""

from flask_babel import gettext as _

from taskforce.models import Priority, TaskClass, TaskKind, TaskStatus
from taskforce.services import exports
from taskforce.services.tasks.lists import figures, search


def export_workbook(session, filters, *, user, today):
    """The filtered task list as an .xlsx file (bytes)."""
    tasks = session.scalars(search(filters, user=user, today=today)).all()
    numbers = figures(session, tasks, today)
    headers = [_("No."), _("Task"), _("Kind"), _("Unit"), _("Assigned member"),
               _("Followed by"), _("Priority"), _("Status"), _("Progress (%)"),
               _("Due date"), _("Original due date"), _("Deadline moved (times)"),
               _("Classification"), _("Completed on"), _("Directive document")]
    rows = [[task.id, task.title, TaskKind.word(task.kind), _name(task.unit),
             _name(task.assignee, "full_name"), _name(task.follower, "full_name"),
             Priority.word(task.priority), TaskStatus.word(task.status),
             numbers[task.id].progress, task.due_on, task.original_due_on,
             numbers[task.id].extensions, TaskClass.word(numbers[task.id].klass),
             task.completed_on, task.doc_number or ""] for task in tasks]
    sheet = exports.Sheet(_("Tasks"), headers, rows, title=_("Task list"),
                          period=_("As of %(date)s", date=today.strftime("%d/%m/%Y")))
    return exports.workbook([sheet], exports.letterhead(session, today))


def _name(obj, attribute="name"):
    return getattr(obj, attribute) if obj is not None else ""
