"""The demo: the Bắc Kạn task force of 2020, on its own dates or moved to today's."""

import functools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from taskforce.demo import loader
from taskforce.demo.people import ACCOUNTS
from taskforce.demo.plan import LOCAL
from taskforce.extensions import db
from taskforce.models import (
    OPEN_TASK_STATUSES,
    AuditEvent,
    ClaimStatus,
    Decision,
    ExtensionRequest,
    LevelChange,
    Member,
    Notification,
    Position,
    Role,
    Service,
    ServiceUsage,
    StatusUpdate,
    Task,
    TaskKind,
    TaskStatus,
    Unit,
    UnitKind,
    User,
)
from taskforce.services import accounts, catalog, kpi, settings
from taskforce.services.text import fold
from tests.conftest import clean_database

FOUNDED = date(2020, 10, 15)
TODAY = date(2020, 11, 29)
END_OF_AUGUST = date(2020, 8, 31)
REQUIRED_ACCOUNTS = ("admin@taskforce.test", "leader@taskforce.test", "member@taskforce.test",
                     "officer@taskforce.test", "viewer@taskforce.test")
NAMED_MEMBERS = (
    ("Phạm Duy Hưng", Position.LEADER, False),
    ("Hà Văn Tiến", Position.PERMANENT_DEPUTY, False),
    ("Vũ Đức Chính", Position.DEPUTY, False),
    ("Đỗ Công Anh", Position.DEPUTY, True),
    ("Nguyễn Ngọc Sao", Position.MEMBER, True),
    ("Nguyễn Vũ Quỳnh", Position.MEMBER, True),
    ("Mai Thùy Ngân", Position.MEMBER, True),
    ("Mai Thanh Hải", Position.MEMBER, True),
)

_hash_once = functools.cache(accounts.hash_password)


@pytest.fixture(autouse=True)
def _fast_hashing(monkeypatch):
    # argon2 is slow on purpose and every load hashes the same password: hash it once.
    monkeypatch.setattr(loader, "hash_password", _hash_once)


@pytest.fixture
def loaded(app):
    summary = loader.load(db.session, founded_on=FOUNDED)
    db.session.commit()
    return summary


def _all(model, *order):
    return db.session.scalars(select(model).order_by(*order)).all()


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _share(as_of):
    return kpi.province_figures(db.session, as_of).share_verified


def _is_open(task):
    return task.status in OPEN_TASK_STATUSES


def test_is_empty_until_loaded(app):
    assert loader.is_empty(db.session)
    loader.load(db.session, founded_on=FOUNDED)
    assert not loader.is_empty(db.session)


def test_units_are_the_province_departments_districts_and_city(loaded):
    units = _all(Unit, Unit.display_order)
    assert loaded["units"] == len(units) == 27
    kinds = [unit.kind for unit in units]
    assert (kinds.count(UnitKind.CITY), kinds.count(UnitKind.DISTRICT)) == (1, 7)
    assert kinds.count(UnitKind.DEPARTMENT) == 19
    names = {unit.name for unit in units}
    assert {"Sở Thông tin và Truyền thông", "UBND huyện Ba Bể", "UBND thành phố Bắc Kạn",
            "UBND huyện Pác Nặm"} <= names
    assert [unit.display_order for unit in units] == list(range(1, 28))
    for unit in units:
        assert unit.name_key == fold(unit.name)
        assert unit.focal_name and unit.focal_title and unit.focal_phone
        assert all(address.endswith("@backan.test") for address in unit.notify_list)
    officer_unit = db.session.scalar(select(Unit).where(Unit.code == "STTTT"))
    assert officer_unit.focal_email == "dau-moi.stttt@backan.test"


def test_roster_follows_the_founding_decision(loaded):
    members = _all(Member, Member.display_order)
    assert [m.display_order for m in members] == list(range(1, 13))
    named = [(m.full_name, m.position, m.is_invited) for m in members[:8]]
    assert named == list(NAMED_MEMBERS)
    for member in members[8:]:
        assert "chưa công bố tên" in member.full_name
        assert (member.position, member.is_invited) == (Position.MEMBER, False)
        assert member.organisation
    assert sum(m.is_invited for m in members) == 5
    assert members[0].title == "Phó Chủ tịch UBND tỉnh"
    followed = {unit.id for m in members for unit in m.units}
    assert followed == {unit.id for unit in _all(Unit)}
    assert all(m.units for m in members if not m.is_invited)
    assert not any(m.units for m in members if m.is_invited)


def test_demo_accounts_log_in_with_the_demo_password(loaded):
    listed = [email for email, _label in ACCOUNTS]
    assert set(REQUIRED_ACCOUNTS) <= set(listed)
    users = [_user(email) for email in listed]
    assert all(user.locale is None and user.full_name for user in users)
    # One hash serves every account (argon2 is slow), so checking one checks them all.
    assert len({user.password_hash for user in users}) == 1
    assert accounts.check_password(users[0], "demo12345")
    assert _user("admin@taskforce.test").role == Role.ADMIN
    assert _user("viewer@taskforce.test").role == Role.VIEWER
    leader = _user("leader@taskforce.test")
    assert (leader.role, leader.member.full_name) == (Role.LEADER, "Phạm Duy Hưng")
    deputy = _user("deputy@taskforce.test")
    assert (deputy.role, deputy.member.full_name) == (Role.LEADER, "Hà Văn Tiến")
    member = _user("member@taskforce.test")
    assert member.role == Role.MEMBER and member.is_verifier
    assert not member.member.is_invited and len(member.member.units) >= 3
    officer = _user("officer@taskforce.test")
    assert (officer.role, officer.unit.code) == (Role.UNIT_OFFICER, "STTTT")
    assert officer.full_name == officer.unit.focal_name


def test_catalog_stands_where_the_article_says_at_end_of_august(loaded):
    figures = kpi.province_figures(db.session, END_OF_AUGUST)
    assert loaded["services"] == figures.services == 399
    assert figures.level4_verified == 96
    assert figures.share_verified == pytest.approx(0.2406, abs=0.005)
    assert figures.level3 / figures.services == pytest.approx(0.45, abs=0.03)
    assert 0 < figures.effective4 < figures.level4_verified


def test_share_rises_through_the_year_but_misses_the_target_by_today(loaded):
    shares = [_share(day) for day in (date(2020, 1, 31), END_OF_AUGUST, FOUNDED, TODAY)]
    assert shares == sorted(shares) and len(set(shares)) == 4
    assert shares[0] == pytest.approx(0.20, abs=0.01)
    assert shares[2] == pytest.approx(0.26, abs=0.01)
    assert shares[3] < 0.30
    assert kpi.province_figures(db.session, TODAY).share >= 0.30


def test_services_are_realistic_and_consistent_with_their_history(loaded):
    services = _all(Service, Service.unit_id, Service.code)
    per_unit = {}
    for service in services:
        per_unit.setdefault(service.unit_id, []).append(service.name)
        assert re.fullmatch(r"[12]\.\d{6}", service.code)
        assert service.name_key == fold(service.name)
        if service.level == 4:
            assert service.missing_level4_prerequisites == []
    assert all(len(names) == len(set(names)) for names in per_unit.values())
    assert 0.45 <= sum(s.has_fee for s in services) / len(services) <= 0.65
    verified = kpi.levels_as_of(TODAY, [ClaimStatus.VERIFIED])
    rows = db.session.execute(select(Service.level, verified.c.level)
                              .join(verified, verified.c.service_id == Service.id)).all()
    assert len(rows) == len(services)
    assert all(level == history_level for level, history_level in rows)
    latest = db.session.scalar(select(func.max(LevelChange.effective_on)))
    assert latest <= TODAY


def test_claims_await_verification_or_were_returned(loaded):
    pending = db.session.scalars(select(LevelChange).where(
        LevelChange.status == ClaimStatus.PENDING)).all()
    claimants = {_user("officer@taskforce.test").id, _user("member@taskforce.test").id}
    assert len(pending) == 6
    for claim in pending:
        assert claim.claimed_by_id in claimants and claim.task_id is not None
        assert TODAY - timedelta(days=7) <= claim.effective_on <= TODAY
        assert (claim.from_level, claim.to_level, claim.service.level) == (3, 4, 3)
        ticked = claim.prerequisites
        assert ticked["online_result"] and ticked["evaluation"]
        assert ticked["online_payment"] == claim.service.has_fee
    returned = db.session.scalars(select(LevelChange).where(
        LevelChange.status == ClaimStatus.RETURNED)).all()
    assert len(returned) == 2
    assert all(claim.return_reason and claim.verified_by_id for claim in returned)
    assert all(claim.service.missing_level4_prerequisites for claim in returned)


def test_a_pending_claim_verified_in_the_app_brings_the_service_to_level4(loaded):
    verifier = _user("member@taskforce.test")
    # Someone else's claim: the member may not verify the claims they made themselves.
    claim = db.session.scalar(select(LevelChange).where(
        LevelChange.status == ClaimStatus.PENDING, LevelChange.claimed_by_id != verifier.id)
        .order_by(LevelChange.id).limit(1))
    catalog.verify_claim(db.session, claim, actor=verifier, now=datetime.now(UTC))
    assert claim.service.level == 4
    assert claim.service.missing_level4_prerequisites == []


def test_usage_is_plausible(loaded):
    rows = _all(ServiceUsage)
    assert all(r.dossiers_paid_online <= r.dossiers_online <= r.dossiers_total <= 300
               for r in rows)
    assert all(r.month.day == 1 and r.month <= TODAY for r in rows)
    used = len({r.service_id for r in rows}) / loaded["services"]
    assert used == pytest.approx(0.70, abs=0.08)
    figures = kpi.province_figures(db.session, TODAY)
    idle = 1 - figures.effective4 / figures.level4_verified
    assert 0.05 <= idle <= 0.30


def test_tasks_show_every_situation_the_leadership_meets(loaded):
    tasks = _all(Task, Task.due_on)
    assert loaded["tasks"] == len(tasks) and 30 <= len(tasks) <= 50
    assert all(date(2020, 10, 25) <= t.due_on <= date(2020, 12, 31) for t in tasks)
    assert any(t.due_on < TODAY and _is_open(t) for t in tasks)
    assert any(TODAY <= t.due_on <= TODAY + timedelta(days=7) and _is_open(t) for t in tasks)
    done = [t for t in tasks if t.status == TaskStatus.DONE]
    assert done and all(t.completed_at and t.completed_on and t.progress == 100 for t in done)
    assert any(t.completed_on > t.due_on for t in done)
    statuses = {t.status for t in tasks}
    assert {TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.REPORTED} <= statuses
    # A general task's progress is typed in; an upgrade task's is the share of its services
    # verified at level 4 (the service computes it), which no task at work has yet.
    working = [t for t in tasks if t.status == TaskStatus.IN_PROGRESS]
    assert any(t.kind == TaskKind.GENERAL for t in working)
    assert all(20 <= t.progress <= 80 for t in working if t.kind == TaskKind.GENERAL)
    assert all(t.progress == 0 for t in working if t.kind == TaskKind.UPGRADE)
    cancelled = [t for t in tasks if t.status == TaskStatus.CANCELLED]
    assert len(cancelled) == 1 and cancelled[0].cancelled_reason
    leader = _user("leader@taskforce.test")
    assert all(t.created_by_id == leader.id for t in tasks)


def test_upgrade_tasks_cover_level3_services_of_their_unit(loaded):
    upgrades = [t for t in _all(Task) if t.kind == TaskKind.UPGRADE]
    assert len(upgrades) >= 20
    covered = []
    for task in upgrades:
        assert 2 <= len(task.services) <= 6
        assert str(len(task.services)) in task.title
        assert task.follower in [m for m in _all(Member) if task.unit in m.units]
        assert task.doc_number.endswith("/KH-UBND") and task.doc_date == date(2020, 10, 20)
        for service in task.services:
            assert service.unit_id == task.unit_id and service.target_level == 4
            changes = [c for c in service.level_changes if c.status == ClaimStatus.VERIFIED]
            assert [c for c in changes if c.effective_on <= FOUNDED][-1].to_level == 3
        covered += [service.id for service in task.services]
    assert len(covered) == len(set(covered))
    general = [t for t in _all(Task) if t.kind == TaskKind.GENERAL]
    assert general and all(t.assignee is not None for t in general)


def test_extensions_and_updates_are_consistent(loaded):
    requests = _all(ExtensionRequest)
    approved = [r for r in requests if r.decision == Decision.APPROVED]
    refused = [r for r in requests if r.decision == Decision.REFUSED]
    assert 2 <= len(approved) <= 3 and len(refused) == 1
    for request in approved:
        task = request.task
        assert request.previous_due_on == task.original_due_on < task.due_on
        assert request.requested_due_on == task.due_on
    assert refused[0].task.due_on == refused[0].task.original_due_on
    moved = [t for t in _all(Task) if t.due_on != t.original_due_on]
    assert len(moved) == len(approved)
    end_of_today = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(),
                                    LOCAL)
    for task in _all(Task):
        count = len(task.updates)
        assert count == 0 if task.status == TaskStatus.NEW else 1 <= count <= 4
        for update in task.updates:
            assert update.created_at.utcoffset() == timedelta(0)
            assert task.created_at < update.created_at < end_of_today
            assert update.note and update.author_id is not None
    transitions = db.session.scalars(select(StatusUpdate).where(
        StatusUpdate.status_to.is_not(None))).all()
    assert {u.status_to for u in transitions} >= {TaskStatus.IN_PROGRESS, TaskStatus.DONE}


def test_the_stories_are_played_by_the_services(loaded):
    """Each step is its service's own event: audited, by the right person, at its moment."""
    leader, officer = _user("leader@taskforce.test"), _user("officer@taskforce.test")
    events = _all(AuditEvent, AuditEvent.at, AuditEvent.id)
    tasks = {task.id: task for task in _all(Task)}
    created = [e for e in events if e.action == "task.create"]
    assert sorted(e.object_id for e in created) == sorted(tasks)
    assert all(e.actor_id == leader.id and e.at == tasks[e.object_id].created_at
               for e in created)
    # Every status change on a timeline is the audit event of the service that made it.
    timeline = _all(StatusUpdate)
    moves = {(u.task_id, u.author_id, u.created_at, (u.status_from, u.status_to))
             for u in timeline if u.status_to is not None}
    audited = {(e.object_id, e.actor_id, e.at, tuple(e.changes["status"]))
               for e in events if e.changes and "status" in e.changes}
    assert moves and audited == moves
    # The leader decides; the unit officer speaks for their own unit only.
    decisions = {"task.accept", "task.return", "task.cancel", "claim.verify", "claim.return",
                 "extension.approve", "extension.refuse"}
    assert {e.action for e in events if e.action in decisions} == decisions
    assert all(e.actor_id == leader.id for e in events if e.action in decisions)
    spoken = [e for e in events if e.actor_id == officer.id]
    assert spoken and all(e.unit_id == officer.unit_id for e in spoken)
    # Claims and extension requests are audited as made: by whom, when.
    claims = {(c.id, c.claimed_by_id, c.claimed_at) for c in _all(LevelChange)
              if c.source == "claim"}
    assert claims == {(e.object_id, e.actor_id, e.at) for e in events
                      if e.action == "claim.create"}
    requests = {(r.task_id, r.requested_by_id, r.requested_at) for r in _all(ExtensionRequest)}
    assert requests == {(e.object_id, e.actor_id, e.at) for e in events
                        if e.action == "extension.request"}
    # Nothing is stamped with the clock of the machine that loaded the demo.
    end_of_today = datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), LOCAL)
    assert all(e.at < end_of_today for e in events)
    assert all(t.updated_at < end_of_today for t in tasks.values())
    # The leadership heard in the app of every task reported done by someone else.
    reported = {u.task_id for u in timeline
                if u.status_to == TaskStatus.REPORTED and u.author_id != leader.id}
    told = {n.task_id for n in _all(Notification)
            if n.user_id == leader.id and n.kind == "reported"}
    assert reported and told == reported


def test_settings_describe_the_target(loaded):
    assert settings.target_share(db.session) == 0.30
    assert settings.national_share(db.session) == 0.191
    assert settings.target_on(db.session) == date(2020, 12, 31)
    assert settings.get(db.session, "founded_on") == "2020-10-15"


def test_every_date_moves_with_the_founding_date(app):
    founded = date(2026, 10, 14)
    loader.load(db.session, founded_on=founded)
    db.session.commit()
    shift = founded - FOUNDED
    assert settings.target_on(db.session) == founded + (date(2020, 12, 31) - FOUNDED)
    assert settings.get(db.session, "founded_on") == founded.isoformat()
    figures = kpi.province_figures(db.session, END_OF_AUGUST + shift)
    assert (figures.level4_verified, figures.services) == (96, 399)
    today = founded + timedelta(days=45)
    assert db.session.scalar(select(func.max(LevelChange.effective_on))) <= today
    tasks = _all(Task)
    assert all(FOUNDED + timedelta(days=10) + shift <= t.due_on <= founded + timedelta(days=78)
               for t in tasks)
    assert any(t.due_on < today and _is_open(t) for t in tasks)


def test_a_later_today_shows_the_rest_of_the_story(app):
    loader.load(db.session, founded_on=FOUNDED, today=date(2021, 1, 31))
    db.session.commit()
    assert _share(date(2020, 12, 1)) < 0.30 <= _share(date(2020, 12, 20))
    assert _share(date(2020, 12, 31)) == pytest.approx(0.31, abs=0.015)


def test_load_is_deterministic(app):
    def snapshot():
        loader.load(db.session, founded_on=FOUNDED)
        db.session.commit()
        services = db.session.execute(select(Service.code, Service.name, Service.level)
                                      .order_by(Service.id)).all()
        tasks = db.session.execute(select(Task.title, Task.status, Task.due_on)
                                   .order_by(Task.id)).all()
        return services, tasks

    first = snapshot()
    clean_database()
    assert snapshot() == first


def test_command_loads_once_and_lists_the_accounts(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15"])
    assert result.exit_code == 0, result.output
    assert "15/10/2020" in result.output and "399 services" in result.output
    for email, _label in ACCOUNTS:
        assert email in result.output
    again = runner.invoke(args=["demo", "load", "--founded", "2020-10-15"])
    assert again.exit_code != 0
    assert "not empty" in again.output


def test_command_if_empty_does_nothing_on_a_loaded_database(runner):
    assert runner.invoke(args=["demo", "load", "--founded", "2020-10-15"]).exit_code == 0
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0
    assert "not loaded" in result.output
    assert db.session.scalar(select(func.count(Service.id))) == 399
