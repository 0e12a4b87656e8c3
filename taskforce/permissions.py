"""Who may do what: the one table of (role, action), the ownership rules, the task actions.

Views, the API, services and templates all ask ``can(user, action, obj)``, or
``task_actions(user, task)`` for what may be done to a task now; hiding a button is never
the enforcement. Each ownership rule has its Python form (on a loaded object) beside its
SQL form (a condition for list queries, through ``where``).
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import case, false, or_, select, true

from taskforce.extensions import db, login_manager
from taskforce.models import (
    TASK_TRANSITIONS,
    Attachment,
    Decision,
    LevelChange,
    Role,
    Service,
    Setting,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
    member_units,
)

ADMIN, LEADER, MEMBER, OFFICER, VIEWER = (
    Role.ADMIN,
    Role.LEADER,
    Role.MEMBER,
    Role.UNIT_OFFICER,
    Role.VIEWER,
)
EVERYONE = frozenset(Role)
# The roles that work for one unit only: they see and act on their own unit's tasks.
UNIT_BOUND = frozenset({OFFICER})

# DESIGN §4. An action missing here is refused to everyone.
RULES = {
    "dashboard.view": EVERYONE,
    "catalog.view": EVERYONE,
    "roster.view": EVERYONE,
    "units.view": EVERYONE,
    "tasks.view": EVERYONE,
    # Every unit's tasks at once (the unit filters of the lists and the calendar).
    "tasks.view_every_unit": EVERYONE - UNIT_BOUND,
    "units.tasks": EVERYONE,
    "evidence.view": EVERYONE,
    "reviews.view": EVERYONE,
    "tasks.manage": frozenset({LEADER}),
    "tasks.log": frozenset({LEADER, MEMBER, OFFICER}),
    "services.claim": frozenset({LEADER, MEMBER, OFFICER}),
    "claims.verify": frozenset({LEADER, MEMBER}),
    # Verify or return one claim: a verifier's, and never the claimant's own (separation of
    # duties, below).
    "claims.decide": frozenset({LEADER, MEMBER}),
    "catalog.edit": frozenset({ADMIN, LEADER}),
    # Levels read from an imported catalog count as verified, unless imports need a second
    # person's check (separation of duties, below): then they are claims awaiting it.
    "catalog.import_verified": frozenset({ADMIN, LEADER}),
    "reviews.build": frozenset({ADMIN, LEADER}),
    # Write the numbered reminder letter (công văn đôn đốc) of a review.
    "reviews.letter": frozenset({ADMIN, LEADER}),
    "roster.manage": frozenset({ADMIN, LEADER}),
    "users.manage": frozenset({ADMIN}),
    "units.manage": frozenset({ADMIN}),
    "units.reorganise": frozenset({ADMIN}),
    # See and renew the secret address of a unit's calendar feed (those who act for it).
    "units.feed": frozenset({ADMIN, LEADER, MEMBER, OFFICER}),
    # Set the language and digest choice of a unit's addresses: administrators, and the
    # unit's own officers.
    "units.mail": frozenset({ADMIN, OFFICER}),
    "settings.manage": frozenset({ADMIN}),
    "outbox.view": frozenset({ADMIN}),
    # Register, change, test and remove webhook subscriptions (their secrets included).
    "webhooks.manage": frozenset({ADMIN}),
    "audit.view": frozenset({ADMIN, LEADER}),
    "plans.view": EVERYONE,
    "plans.manage": frozenset({ADMIN, LEADER}),
    "scorecard.view": EVERYONE,
    # Import (or replace) a period's 766 score table, creating the units it names if asked.
    "scorecard.import": frozenset({ADMIN, LEADER}),
    # Create or replace a unit's monthly usage figures (the one-stop system's push through
    # the API): an officer for their own unit only.
    "usage.push": frozenset({ADMIN, LEADER, OFFICER}),
}


# Ownership rules: the Python form of each, then its SQL form.

def _in_own_unit(user, unit_id):
    return user.role not in UNIT_BOUND or (unit_id is not None and unit_id == user.unit_id)


def _in_own_unit_sql(user, column):
    if user.role not in UNIT_BOUND:
        return true()
    return column == user.unit_id if user.unit_id else false()


def _follows(user, task):
    member = user.member
    if member is None:
        return False
    if task.follower_id == member.id or task.assignee_id == member.id:
        return True
    return task.unit_id is not None and any(u.id == task.unit_id for u in member.units)


def _follows_sql(member):
    followed = select(member_units.c.unit_id).where(member_units.c.member_id == member.id)
    return or_(Task.follower_id == member.id, Task.assignee_id == member.id,
               Task.unit_id.in_(followed))


def is_own_work(user, task):
    """Whether ``task`` is ``user``'s own work: their unit's, or one their member follows."""
    if user.role in UNIT_BOUND:
        return _in_own_unit(user, task.unit_id)
    return _follows(user, task)


def own_work(user):
    """The SQL form of ``is_own_work``, or None when ``user`` has no work of their own."""
    if user.role in UNIT_BOUND:
        return Task.unit_id == user.unit_id if user.unit_id else None
    if user.member is None:
        return None
    return _follows_sql(user.member)


def _task_visible(user, task):
    return _in_own_unit(user, task.unit_id)


def _task_visible_sql(user):
    return _in_own_unit_sql(user, Task.unit_id)


def _task_loggable(user, task):
    # The leadership logs on every task; the others on their own work.
    return user.role == LEADER or is_own_work(user, task)


def _task_loggable_sql(user):
    if user.role == LEADER:
        return true()
    condition = own_work(user)
    return false() if condition is None else condition


def _service_claimable(user, service):
    return _in_own_unit(user, service.unit_id)


def _service_claimable_sql(user):
    return _in_own_unit_sql(user, Service.unit_id)


def _unit_tasks_visible(user, unit):
    return _in_own_unit(user, unit.id)


def _unit_tasks_visible_sql(user):
    return _in_own_unit_sql(user, Unit.id)


def _unit_of_task_id(task_id):
    task = db.session.get(Task, task_id)
    return task.unit_id if task is not None else None


def _evidence_unit(obj):
    """The unit an Attachment or a claim is evidence for: its task's, else its service's."""
    if obj.task_id is not None:
        return _unit_of_task_id(obj.task_id)
    if isinstance(obj, Attachment) and obj.update_id is not None:
        update = db.session.get(StatusUpdate, obj.update_id)
        return _unit_of_task_id(update.task_id) if update is not None else None
    service = db.session.get(Service, obj.service_id) if obj.service_id is not None else None
    return service.unit_id if service is not None else None


def _evidence_visible(user, evidence):
    # Evidence (an Attachment, or a claim's file and note) is read as its task is, or by its
    # service's unit when it has no task: an officer reads their own unit's only.
    return _in_own_unit(user, _evidence_unit(evidence))


def _evidence_visible_sql(user):
    # Over claims (LevelChange): the lists that show a claim's evidence.
    task_unit = select(Task.unit_id).where(Task.id == LevelChange.task_id).scalar_subquery()
    service_unit = (select(Service.unit_id).where(Service.id == LevelChange.service_id)
                    .scalar_subquery())
    unit = case((LevelChange.task_id.is_not(None), task_unit), else_=service_unit)
    return _in_own_unit_sql(user, unit)


def _acts_for_unit(user, unit):
    # An officer acts for their own unit, a member for the units they follow, the leadership
    # and the administrators for every unit.
    if user.role in UNIT_BOUND:
        return _in_own_unit(user, unit.id)
    if user.role == MEMBER:
        return user.member is not None and any(u.id == unit.id for u in user.member.units)
    return True


def _acts_for_unit_sql(user):
    if user.role in UNIT_BOUND:
        return _in_own_unit_sql(user, Unit.id)
    if user.role == MEMBER:
        if user.member is None:
            return false()
        return Unit.id.in_(select(member_units.c.unit_id)
                           .where(member_units.c.member_id == user.member.id))
    return true()


def _verifier(user):
    return user.role == LEADER or user.is_verifier


# Separation of duties: nobody moves a figure alone. Whoever claimed a level does not verify
# or return that claim; whoever reported a task done does not accept it (returning one's own
# report only withdraws it, which moves no figure, so it stays allowed); levels imported from
# a catalog file are claims for a second person to verify unless the task force turns that
# off on the settings page (an audited change).

IMPORTS_NEED_SECOND_CHECK = "imports_need_second_check"


def imports_need_second_check():
    """Whether imported levels await a second person's verification (the default)."""
    row = db.session.get(Setting, IMPORTS_NEED_SECOND_CHECK)
    return row is None or row.value is None or bool(row.value)


def _imports_trusted(user):
    return not imports_need_second_check()


def _not_own_claim(user, change):
    return change.claimed_by_id is None or change.claimed_by_id != user.id


def _not_own_claim_sql(user):
    return or_(LevelChange.claimed_by_id.is_(None), LevelChange.claimed_by_id != user.id)


def _not_own_report(user, task):
    return task.reported_by_id is None or task.reported_by_id != user.id


# Rules on the user beyond the role, checked whether an object is given or not.
QUALIFICATIONS = {
    "claims.verify": _verifier,
    "claims.decide": _verifier,
    "catalog.import_verified": _imports_trusted,
}

# Rules on the object, checked after the role is allowed; obj None means "some object".
OWNERSHIP = {
    "tasks.view": _task_visible,
    "tasks.log": _task_loggable,
    "services.claim": _service_claimable,
    "units.tasks": _unit_tasks_visible,
    "evidence.view": _evidence_visible,
    "units.feed": _acts_for_unit,
    "units.mail": _acts_for_unit,
    "claims.decide": _not_own_claim,
    "usage.push": _unit_tasks_visible,
}


def can(user, action, obj=None):
    """Whether ``user`` may perform ``action`` (on ``obj`` when given)."""
    if action not in RULES:
        raise KeyError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.role not in RULES[action]:
        return False
    qualified = QUALIFICATIONS.get(action)
    if qualified is not None and not qualified(user):
        return False
    rule = OWNERSHIP.get(action)
    return rule is None or obj is None or rule(user, obj)


# The same ownership rules as conditions on the rows of a list query.
SQL_OWNERSHIP = {
    "tasks.view": _task_visible_sql,
    "tasks.log": _task_loggable_sql,
    "services.claim": _service_claimable_sql,
    "units.tasks": _unit_tasks_visible_sql,
    "evidence.view": _evidence_visible_sql,
    "units.feed": _acts_for_unit_sql,
    "units.mail": _acts_for_unit_sql,
    "claims.decide": _not_own_claim_sql,
    "usage.push": _unit_tasks_visible_sql,
}


def where(user, action):
    """The SQL condition for the rows ``user`` may ``action`` on: ``can`` for a whole list."""
    if not can(user, action):
        return false()
    if action in OWNERSHIP and action not in SQL_OWNERSHIP:
        raise KeyError(f"no SQL form for {action!r}")
    rule = SQL_OWNERSHIP.get(action)
    return true() if rule is None else rule(user)


def _pending_extension(task):
    return any(e.decision == Decision.PENDING for e in task.extensions)


def _no_pending_extension(task):
    return not _pending_extension(task)


def _is_open(task):
    return task.is_open()


def _not_cancelled(task):
    return task.status != TaskStatus.CANCELLED


def _is_upgrade(task):
    return task.kind == TaskKind.UPGRADE


def _may_become(status):
    def check(task):
        return status in TASK_TRANSITIONS.get(task.status, ())
    return check


# The states of the workflow an action on a task can need, named so that a service can say
# which one is missing.
TASK_STATES = {
    "open": _is_open,
    "not_cancelled": _not_cancelled,
    "may_be_done": _may_become(TaskStatus.DONE),
    "may_be_returned": _may_become(TaskStatus.RETURNED),
    "may_be_cancelled": _may_become(TaskStatus.CANCELLED),
    "no_pending_extension": _no_pending_extension,
    "pending_extension": _pending_extension,
    "upgrade": _is_upgrade,
}

# Who must not take an action on a task they took part in (separation of duties, above).
TASK_DUTIES = {
    "accept": ("own_report", _not_own_report),
    "accept_shortfall": ("own_report", _not_own_report),
}

# What may be done to one task now: the permission it takes, then the states it needs.
TASK_ACTIONS = {
    "update": ("tasks.log", ("open",)),
    "claim": ("tasks.log", ("open",)),
    "extend": ("tasks.log", ("open", "no_pending_extension")),
    "accept": ("claims.verify", ("may_be_done",)),
    # Accept an upgrade task with services not verified at level 4, giving the reason.
    "accept_shortfall": ("tasks.manage", ("may_be_done", "upgrade")),
    "return": ("claims.verify", ("may_be_returned",)),
    "edit": ("tasks.manage", ("not_cancelled",)),
    "cancel": ("tasks.manage", ("may_be_cancelled",)),
    "decide_extension": ("tasks.manage", ("pending_extension",)),
}


def refusal(user, task, name):
    """Why ``user`` may not take the action ``name`` on ``task`` now, or None when they may.

    The permission when the role or the ownership refuses it, else the first missing state,
    else the duty the user may not take on (``"own_report"``: they reported it done).
    """
    permission, states = TASK_ACTIONS[name]
    if not can(user, permission, task):
        return permission
    missing = next((state for state in states if not TASK_STATES[state](task)), None)
    if missing is not None:
        return missing
    duty = TASK_DUTIES.get(name)
    return duty[0] if duty is not None and not duty[1](user, task) else None


def task_actions(user, task):
    """The actions ``user`` may take on ``task`` now: the buttons shown, the writes accepted."""
    return frozenset(name for name in TASK_ACTIONS if refusal(user, task, name) is None)


def require(action):
    """Refuse the view with 403 unless the current user may perform ``action``."""

    def decorator(view):
        view.permission = action

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
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
