"""One place decides: templates ask ``can``/``task_actions``, never a role or a status.

The actions a user may take on a task come from ``permissions.task_actions``, which the
task services' guards also follow; each ownership rule's SQL form selects exactly the rows
its Python form allows.
"""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from taskforce import permissions
from taskforce.extensions import db
from taskforce.models import (
    ClaimStatus,
    Decision,
    ExtensionRequest,
    LevelChange,
    OutboxState,
    Priority,
    ReviewKind,
    Role,
    Service,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
)
from taskforce.services.errors import DomainError
from taskforce.services.tasks import guards
from tests import factories

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORBIDDEN = {
    "a role test": re.compile(r"current_user\.role\b"),
    "a status compared with a literal": re.compile(
        r"""\bstatus\s*(==|!=)\s*["']|["']\s*(==|!=)\s*[\w.]*\bstatus\b"""
        r"""|\bstatus\s+(not\s+)?in\s*[(\[]"""),
}


# An enum's value typed into a comparison or a loop: the template should name the member
# (``TaskKind.UPGRADE``) or loop over the enum (``{% for kind in TaskKind %}``).
ENUM_VALUES = {member.value for enum in (ClaimStatus, Decision, OutboxState, Priority,
                                         ReviewKind, TaskKind, TaskStatus) for member in enum}
TAG = re.compile(r"{[{%](.*?)[}%]}")
COMPARED = re.compile(r"==|!=|\bin\s*[(\[]")
LITERAL = re.compile(r"""["'](\w+)["']""")


def _typed_enum_value(line):
    return any(COMPARED.search(tag) and ENUM_VALUES & set(LITERAL.findall(tag))
               for tag in TAG.findall(line))


def _offences():
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(TEMPLATES)}:{number}"
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    yield f"{where}: {what}: {line.strip()}"
            if _typed_enum_value(line):
                yield f"{where}: an enum value typed as a literal: {line.strip()}"


def test_no_template_decides_by_role_or_status():
    assert list(_offences()) == []


@pytest.mark.parametrize("line", [
    '{% if current_user.role != "unit_officer" %}',
    "{% if task.status == 'done' %}",
    '{% if task.status in ("done", "cancelled") %}',
    '{% if task.status not in ("done", "cancelled") %}',
    '{% if "reported" == task.status %}',
])
def test_the_grep_catches_each_form(line):
    assert any(pattern.search(line) for pattern in FORBIDDEN.values())


@pytest.mark.parametrize(("line", "caught"), [
    ('{% if task.kind == "upgrade" %}', True),
    ("{% for k in ('upgrade', 'general') %}", True),
    ('{% if ext.decision != "approved" %}', True),
    ('{% if message.state == OutboxState.SENT %}', False),
    ('{% for kind in TaskKind %}', False),
    ('{% if filters.direction == "desc" %}', False),
    ('<a href="{{ url_for(\'outbox.index\', state=\'sent\') }}">', False),
])
def test_the_grep_catches_typed_enum_values(line, caught):
    assert _typed_enum_value(line) is caught


# task_actions: role × workflow state -----------------------------------------------------------

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def people(app):
    own, other = factories.unit("Sở Tư pháp"), factories.unit("Huyện Pác Nặm")
    follower = factories.user(role=Role.MEMBER)
    factories.member(user=follower, units=[own])
    verifier = factories.user(role=Role.MEMBER, is_verifier=True)
    factories.member(user=verifier)
    return {
        "own": own, "other": other,
        "leader": factories.user(role=Role.LEADER),
        "follower": follower,
        "verifier": verifier,
        "officer": factories.user(role=Role.UNIT_OFFICER, unit=own),
        "other_officer": factories.user(role=Role.UNIT_OFFICER, unit=other),
        "viewer": factories.user(role=Role.VIEWER),
        "admin": factories.user(role=Role.ADMIN),
    }


LOGS = "update claim extend"
# What each role may do to a task of the officer's unit (followed by the member) in each status.
EXPECTED = {
    ("leader", "new"): f"{LOGS} edit cancel",
    ("leader", "in_progress"): f"{LOGS} edit cancel",
    ("leader", "reported"): f"{LOGS} accept return edit cancel",
    ("leader", "returned"): f"{LOGS} edit cancel",
    ("leader", "done"): "edit",
    ("leader", "cancelled"): "",
    ("follower", "new"): LOGS,
    ("follower", "reported"): LOGS,
    ("follower", "done"): "",
    ("verifier", "in_progress"): "",
    ("verifier", "reported"): "accept return",
    ("verifier", "done"): "",
    ("officer", "new"): LOGS,
    ("officer", "returned"): LOGS,
    ("officer", "reported"): LOGS,
    ("officer", "done"): "",
    ("officer", "cancelled"): "",
    ("other_officer", "in_progress"): "",
    ("other_officer", "reported"): "",
    ("viewer", "reported"): "",
    ("admin", "reported"): "",
}


@pytest.mark.parametrize("role, status", sorted(EXPECTED))
def test_task_actions_by_role_and_status(people, role, status):
    task = factories.task(people["own"], status=status)
    assert permissions.task_actions(people[role], task) == set(EXPECTED[role, status].split())


def _pending(task, user):
    db.session.add(ExtensionRequest(task=task, previous_due_on=task.due_on,
                                    requested_due_on=date(2021, 1, 15), reason="Chờ kết nối",
                                    requested_by_id=user.id))
    db.session.flush()


def test_a_pending_extension_is_decided_not_asked_again(people):
    task = factories.task(people["own"], status=TaskStatus.IN_PROGRESS)
    _pending(task, people["officer"])
    assert "extend" not in permissions.task_actions(people["officer"], task)
    assert "decide_extension" in permissions.task_actions(people["leader"], task)
    assert "decide_extension" not in permissions.task_actions(people["follower"], task)


@pytest.mark.parametrize("role", ["leader", "follower", "verifier", "officer", "other_officer",
                                  "viewer"])
@pytest.mark.parametrize("status", list(TaskStatus))
def test_the_services_accept_exactly_the_actions_shown(people, role, status):
    user, task = people[role], factories.task(people["own"], status=status)
    if status == TaskStatus.IN_PROGRESS:
        _pending(task, people["officer"])
    shown = permissions.task_actions(user, task)
    for name in permissions.TASK_ACTIONS:
        if name in shown:
            guards.check_action(user, task, name)
        else:
            with pytest.raises(DomainError):
                guards.check_action(user, task, name)


# Each ownership rule: the SQL form selects the rows the Python form allows ------------------

@pytest.fixture
def world(people):
    own, other = people["own"], people["other"]
    assignee = factories.user(role=Role.MEMBER)
    member = factories.member(user=assignee)
    rows = {
        Task: [factories.task(own), factories.task(other),
               factories.task(None, assignee_id=member.id),
               factories.task(other, follower_id=member.id)],
        Service: [factories.service(own), factories.service(other)],
        Unit: [own, other],
    }
    # Claims with and without a task, the task's unit differing from the service's or absent.
    tasks, services = rows[Task], rows[Service]
    # Claimed by nobody, by the leader or by the verifier (who may not decide their own).
    claimants = (None, people["leader"].id, people["verifier"].id)
    rows[LevelChange] = [
        factories.level_change(service, 4, date(2020, 10, 1), status=ClaimStatus.PENDING,
                               task_id=task_id, claimed_by_id=claimant)
        for service in services for task_id in (None, tasks[0].id, tasks[1].id, tasks[2].id)
        for claimant in claimants]
    users = [people[key] for key in ("leader", "follower", "verifier", "officer",
                                      "other_officer", "viewer", "admin")]
    users.append(assignee)
    users.append(factories.user(role=Role.UNIT_OFFICER))  # an officer with no unit
    db.session.flush()
    return {"rows": rows, "users": users}


RULE_MODELS = {"tasks.view": Task, "tasks.log": Task, "services.claim": Service,
               "units.tasks": Unit, "evidence.view": LevelChange, "units.feed": Unit,
               "units.mail": Unit,
               "claims.decide": LevelChange, "usage.push": Unit}


def test_every_sql_form_is_tested():
    assert set(RULE_MODELS) == set(permissions.SQL_OWNERSHIP)


def _selected(model, condition):
    return set(db.session.scalars(select(model.id).where(condition)))


@pytest.mark.parametrize("action", sorted(RULE_MODELS))
def test_sql_form_matches_python_form(world, action):
    model = RULE_MODELS[action]
    for user in world["users"]:
        allowed = {row.id for row in world["rows"][model] if permissions.can(user, action, row)}
        selected = _selected(model, permissions.where(user, action))
        assert selected & {row.id for row in world["rows"][model]} == allowed, \
            (action, user.role, user.unit_id)


def test_own_work_sql_matches_python(world):
    tasks = world["rows"][Task]
    for user in world["users"]:
        mine = {task.id for task in tasks if permissions.is_own_work(user, task)}
        condition = permissions.own_work(user)
        selected = set() if condition is None else _selected(Task, condition)
        assert selected & {task.id for task in tasks} == mine, (user.role, user.unit_id)
