"""The words for a task's status, class, kind and priority, in the request's language."""

from flask_babel import gettext as _

from taskforce.models import Priority, TaskKind, TaskStatus


def status_label(status):
    """The name of a task status."""
    return {
        TaskStatus.NEW: _("New"), TaskStatus.IN_PROGRESS: _("In progress"),
        TaskStatus.REPORTED: _("Reported done"), TaskStatus.DONE: _("Done"),
        TaskStatus.RETURNED: _("Returned"), TaskStatus.CANCELLED: _("Cancelled"),
    }.get(status, status)


def class_label(klass):
    """The name of a Decision 42/2014 class ('' for none)."""
    return {
        "done_on_time": _("Done on time"), "done_late": _("Done late"),
        "open_on_time": _("Open, within the deadline"), "open_overdue": _("Open, overdue"),
    }.get(klass, "")


def kind_label(kind):
    """The name of a kind of task."""
    return {TaskKind.UPGRADE: _("Upgrade"), TaskKind.GENERAL: _("General")}.get(kind, kind)


def priority_label(priority):
    """The name of a priority."""
    return {Priority.LOW: _("Low"), Priority.NORMAL: _("Normal"), Priority.HIGH: _("High"),
            Priority.URGENT: _("Urgent")}.get(priority, priority)
