"""Who may do what: the one table of (role, action) and the ownership rules.

Views, the API and templates all ask ``can(user, action, obj)``; hiding a
button is never the enforcement.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from taskforce.extensions import db
from taskforce.models import Role

ADMIN, LEADER, MEMBER, OFFICER, VIEWER = (
    Role.ADMIN,
    Role.LEADER,
    Role.MEMBER,
    Role.UNIT_OFFICER,
    Role.VIEWER,
)
EVERYONE = frozenset(Role)

# DESIGN §4. An action missing here is refused to everyone.
RULES = {
    "dashboard.view": EVERYONE,
    "catalog.view": EVERYONE,
    "roster.view": EVERYONE,
    "units.view": EVERYONE,
    "tasks.view": EVERYONE,
    "reviews.view": EVERYONE,
    "tasks.manage": frozenset({LEADER}),
    "tasks.log": frozenset({LEADER, MEMBER, OFFICER}),
    "services.claim": frozenset({LEADER, MEMBER, OFFICER}),
    "claims.verify": frozenset({LEADER, MEMBER}),
    "catalog.edit": frozenset({ADMIN, LEADER}),
    "reviews.build": frozenset({ADMIN, LEADER}),
    "roster.manage": frozenset({ADMIN, LEADER}),
    "users.manage": frozenset({ADMIN}),
    "units.manage": frozenset({ADMIN}),
    "settings.manage": frozenset({ADMIN}),
    "outbox.view": frozenset({ADMIN}),
    "audit.view": frozenset({ADMIN, LEADER}),
}


def _unit_of(obj):
    return getattr(obj, "unit_id", None)


def _follows(user, task):
    member = user.member
    if member is None:
        return False
    if task.follower_id == member.id or task.assignee_id == member.id:
        return True
    return task.unit_id is not None and any(u.id == task.unit_id for u in member.units)


def _task_visible(user, task):
    if user.role == OFFICER:
        return task.unit_id is not None and task.unit_id == user.unit_id
    return True


def _task_loggable(user, task):
    if user.role == LEADER:
        return True
    if user.role == MEMBER:
        return _follows(user, task)
    return user.role == OFFICER and _unit_of(task) == user.unit_id


def _service_claimable(user, service):
    if user.role == OFFICER:
        return service.unit_id == user.unit_id
    return True


def _may_verify(user, _obj):
    return user.role == LEADER or user.is_verifier


# Rules on the object, checked after the role is allowed; obj None means "some object".
OWNERSHIP = {
    "tasks.view": _task_visible,
    "tasks.log": _task_loggable,
    "services.claim": _service_claimable,
    "claims.verify": _may_verify,
}


def can(user, action, obj=None):
    """Whether ``user`` may perform ``action`` (on ``obj`` when given)."""
    if action not in RULES:
        raise KeyError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role not in RULES[action]:
        return False
    rule = OWNERSHIP.get(action)
    if rule is None:
        return True
    if obj is None:
        return action != "claims.verify" or _may_verify(user, None)
    return rule(user, obj)


def require(action):
    """Refuse the view with 403 unless the current user may perform ``action``."""

    def decorator(view):
        view.permission = action

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from taskforce.extensions import login_manager

                return login_manager.unauthorized()
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = action
        return wrapped

    return decorator


def signed_in(view):
    """Open the view to every logged-in user (their own account pages, log-out)."""
    wrapped = login_required(view)
    wrapped.permission = "signed_in"
    return wrapped


def public(view):
    """Mark a view as open to anonymous visitors (the log-in page, the static files)."""
    view.permission = None
    return view


def get_or_404(model, ident, user=None, action=None):
    """Load ``model`` by id, 404 when missing, 403 when ``user`` may not ``action`` on it."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    if action is not None and not can(user, action, obj):
        abort(403)
    return obj
