"""The check every task write starts with: is it an action the actor may take now?

``permissions.task_actions`` answers for the task page's buttons and, through
``permissions.refusal``, for the services; this module only says in words why not.
"""

from flask_babel import gettext as _

from taskforce import permissions
from taskforce.services.errors import DomainError, PermissionDenied


def _denied(permission):
    # Built per call: the words follow the request's language.
    return {
        "tasks.manage": _("Only the leadership may create, edit or cancel tasks."),
        "tasks.log": _("You may not log status on this task."),
        "claims.verify": _("Only the leadership or a verifier may accept or return a task."),
    }[permission]


def _duty(name, duty):
    # Separation of duties (permissions.TASK_DUTIES): who took part may not decide.
    return {
        ("accept", "own_report"): _(
            "You reported this task done, so you cannot accept it yourself; another person "
            "who may accept tasks must do it."),
        ("accept_shortfall", "own_report"): _(
            "You reported this task done, so you cannot accept it yourself; another person "
            "who may accept tasks must do it."),
    }[name, duty]


def _not_now(name, state):
    if state == "open":
        return _("This task is closed: it takes no more updates."), None
    return {
        ("extend", "no_pending_extension"): (
            _("An extension is already awaiting a decision."), "requested_due_on"),
        ("accept", "may_be_done"): (_("Only a task reported done can be accepted."), None),
        ("accept_shortfall", "may_be_done"): (
            _("Only a task reported done can be accepted."), None),
        ("accept_shortfall", "upgrade"): (
            _("Only an upgrade task can be accepted with a shortfall."), "shortfall_reason"),
        ("return", "may_be_returned"): (_("Only a task reported done can be returned."), None),
        ("edit", "not_cancelled"): (_("A cancelled task cannot be edited."), None),
        ("cancel", "may_be_cancelled"): (_("Only an open task can be cancelled."), None),
        ("decide_extension", "pending_extension"): (
            _("This request has already been decided."), None),
    }[name, state]


def check_manager(actor):
    """Refuse unless ``actor`` may create, edit and cancel tasks."""
    if not permissions.can(actor, "tasks.manage"):
        raise PermissionDenied(_denied("tasks.manage"))


def check_action(actor, task, name):
    """Refuse the action ``name`` on ``task`` unless it is in ``task_actions(actor, task)``."""
    missing = permissions.refusal(actor, task, name)
    if missing is None:
        return
    if name == "accept_shortfall" and missing == "tasks.manage":
        raise PermissionDenied(_("Only the leadership may accept a task with a shortfall; "
                                 "verify the remaining claims first."),
                               field="shortfall_reason")
    if missing in permissions.RULES:
        raise PermissionDenied(_denied(missing))
    if missing == permissions.TASK_DUTIES.get(name, (None,))[0]:
        raise PermissionDenied(_duty(name, missing))
    raise state_error(name, missing)


def state_error(name, state):
    """The error saying that the task is not in ``state``, which the action ``name`` needs."""
    message, field = _not_now(name, state)
    return DomainError(message, field=field)
