"""The assignment wizard: quotas against a hand-computed fixture, all-or-nothing creation."""

from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Notification, Role, Task, TaskKind, TaskStatus, UnitKind
from taskforce.services import assignment
from taskforce.services.assignment import Choice, Common, UnitError
from taskforce.services.errors import DomainError, PermissionDenied
from tests import factories

TODAY = date(2020, 11, 20)
DUE = date(2020, 12, 15)


@pytest.fixture
def world(app):
    """Three units, target 30 %, today 20/11/2020.

    Sở A: 10 active services — 1 at level 4 (verified), 6 at level 3 (a1…a6), 3 at level 2 —
    and an inactive level-3 service. Quota ceil(0.3 × 10) − 1 = 2.
    Dossiers over 12/2019–11/2020: a3 70 + 50 = 120; a1 80; a5 80; a2 10 (its 1,000 of
    10/2019 are too old); a4 0; a6 0 (its 500 of 12/2020 are in the future).
    Busiest first (ties by name): a3, a1, a5, a2, a4, a6; pre-ticked: a3, a1.
    Huyện B: 5 services, 3 at level 4 (verified), b1 b2 at level 3, b1 with a pending
    level-4 claim (not verified, so it does not count). Quota max(0, ceil(1.5) − 3) = 0.
    Sở C: 4 services at level 3; c1 in an open upgrade task, c2 in a done one.
    Quota ceil(1.2) − 0 = 2; already in open tasks 1; candidates c2 c3 c4; pre-ticked: c2.
    """
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2)
    c = factories.unit("Sở C", display_order=3)
    s = {}
    for key in ("a1", "a2", "a3", "a4", "a5", "a6"):
        s[key] = factories.service(a, level=3, name=f"Thủ tục {key}", code=key.upper())
    factories.service(a, level=4)
    for _ in range(3):
        factories.service(a, level=2)
    factories.service(a, level=3, active=False, name="Thủ tục đã bãi bỏ")
    factories.usage(s["a3"], date(2020, 3, 1), total=70)
    factories.usage(s["a3"], date(2020, 11, 1), total=50)
    factories.usage(s["a1"], date(2019, 12, 1), total=80)
    factories.usage(s["a5"], date(2020, 6, 1), total=80)
    factories.usage(s["a2"], date(2020, 1, 1), total=10)
    factories.usage(s["a2"], date(2019, 10, 1), total=1000)
    factories.usage(s["a6"], date(2020, 12, 1), total=500)
    for _ in range(3):
        factories.service(b, level=4)
    s["b1"] = factories.service(b, level=3, code="B1")
    s["b2"] = factories.service(b, level=3, code="B2")
    factories.level_change(s["b1"], 4, date(2020, 11, 1), status="pending")
    for key in ("c1", "c2", "c3", "c4"):
        s[key] = factories.service(c, level=3, name=f"Thủ tục {key}", code=key.upper())
    factories.task(c, kind=TaskKind.UPGRADE, services=[s["c1"]], status=TaskStatus.IN_PROGRESS)
    factories.task(c, kind=TaskKind.UPGRADE, services=[s["c2"]], status=TaskStatus.DONE)
    gone = factories.member("Thành viên đã nghỉ", units=[a], display_order=1, active=False)
    follower_a = factories.member("Hà Văn Tiến", units=[a, c], display_order=2)
    officer_a = factories.user(role=Role.UNIT_OFFICER, unit=a)
    leader = factories.user(role=Role.LEADER)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "s": s, "gone": gone, "follower_a": follower_a,
            "officer_a": officer_a, "leader": leader}


def codes(plan):
    return [c.service.code for c in plan.candidates]


def task_count():
    return db.session.scalar(select(func.count(Task.id)))


def common(**kw):
    values = {"title": "Nâng cấp dịch vụ công lên mức độ 4", "due_on": DUE,
              "doc_number": "1234/KH-UBND", "doc_date": date(2020, 10, 1)}
    values.update(kw)
    return Common(**values)


class TestPlan:
    def test_quotas_candidates_and_suggestions_match_the_hand_computation(self, world):
        w = world
        plans = assignment.plan(db.session, unit_ids=[w["c"].id, w["a"].id, w["b"].id],
                                today=TODAY)
        a, b, c = plans  # in the units' display order, whatever the order chosen
        assert [p.unit.name for p in plans] == ["Sở A", "Huyện B", "Sở C"]

        assert (a.figures.services, a.figures.level4_verified, a.quota) == (10, 1, 2)
        assert codes(a) == ["A3", "A1", "A5", "A2", "A4", "A6"]
        assert [c_.dossiers for c_ in a.candidates] == [120, 80, 80, 10, 0, 0]
        assert (a.in_open_tasks, a.suggested) == (0, 2)
        assert a.suggested_ids == {w["s"]["a3"].id, w["s"]["a1"].id}

        assert (b.figures.services, b.figures.level4_verified, b.quota) == (5, 3, 0)
        assert codes(b) == ["B1", "B2"]
        assert (b.suggested, b.suggested_ids) == (0, set())

        assert (c.figures.services, c.quota, c.in_open_tasks) == (4, 2, 1)
        assert codes(c) == ["C2", "C3", "C4"]
        assert c.suggested_ids == {w["s"]["c2"].id}

    def test_default_follower_is_the_first_active_member_following_the_unit(self, world):
        plans = assignment.plan(db.session, unit_ids=[world["a"].id, world["b"].id,
                                                      world["c"].id], today=TODAY)
        assert [p.follower for p in plans] == [world["follower_a"], None, world["follower_a"]]

    def test_other_target_share(self, world):
        (a,) = assignment.plan(db.session, unit_ids=[world["a"].id], today=TODAY, target=0.5)
        assert (a.quota, a.suggested) == (4, 4)

    @pytest.mark.parametrize("unit_ids", [[], [999_999]])
    def test_refuses_no_unit_or_an_unknown_one(self, world, unit_ids):
        with pytest.raises(DomainError) as caught:
            assignment.plan(db.session, unit_ids=unit_ids, today=TODAY)
        assert caught.value.field == "units"

    def test_refuses_an_inactive_unit(self, world):
        gone = factories.unit("Sở đã giải thể", active=False)
        with pytest.raises(DomainError) as caught:
            assignment.plan(db.session, unit_ids=[world["a"].id, gone.id], today=TODAY)
        assert caught.value.field == "units"


class TestAssign:
    def choices(self, w):
        s = w["s"]
        return [Choice(w["a"].id, [s["a3"].id, s["a1"].id], w["follower_a"].id),
                Choice(w["c"].id, [s["c3"].id], None)]

    def test_creates_one_upgrade_task_per_unit(self, world):
        w = world
        made = assignment.assign(db.session, actor=w["leader"], today=TODAY, common=common(),
                                 choices=self.choices(w))
        db.session.commit()
        assert len(made) == 2
        task_a, task_c = made
        assert task_a.kind == TaskKind.UPGRADE and task_a.status == TaskStatus.NEW
        assert task_a.title == "Nâng cấp dịch vụ công lên mức độ 4 – Sở A"
        assert task_a.unit == w["a"] and task_a.follower == w["follower_a"]
        assert (task_a.due_on, task_a.original_due_on) == (DUE, DUE)
        assert task_a.doc_number == "1234/KH-UBND"
        assert sorted(s.code for s in task_a.services) == ["A1", "A3"]
        assert [s.code for s in task_c.services] == ["C3"] and task_c.follower is None
        events = db.session.scalars(select(AuditEvent.object_id)
                                    .where(AuditEvent.action == "task.create")).all()
        assert sorted(events) == sorted([task_a.id, task_c.id])
        summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "task.assign"))
        assert summary.actor_id == w["leader"].id
        assert summary.changes == {"due_on": "2020-12-15", "tasks": [task_a.id, task_c.id],
                                   "units": ["Sở A", "Sở C"]}
        told = db.session.scalars(select(Notification).where(
            Notification.user_id == w["officer_a"].id)).all()
        assert [(n.kind, n.task_id) for n in told] == [("assigned", task_a.id)]

    def test_one_refused_unit_means_no_task_for_any_unit(self, world):
        w = world
        before = task_count()
        choices = self.choices(w)
        choices[1].service_ids.append(w["s"]["c1"].id)  # c1 is in an open task already
        with pytest.raises(UnitError) as caught:
            assignment.assign(db.session, actor=w["leader"], today=TODAY, common=common(),
                              choices=choices)
        db.session.rollback()
        assert caught.value.unit_id == w["c"].id
        assert caught.value.message.startswith("Sở C: ")
        assert "C1" in caught.value.message
        assert task_count() == before
        assert db.session.scalar(select(func.count(Notification.id))) == 0
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 0

    def test_a_service_of_another_unit_is_refused(self, world):
        w = world
        choices = [Choice(w["a"].id, [w["s"]["a3"].id]),
                   Choice(w["b"].id, [w["s"]["a1"].id])]
        with pytest.raises(UnitError) as caught:
            assignment.assign(db.session, actor=w["leader"], today=TODAY, common=common(),
                              choices=choices)
        db.session.rollback()
        assert caught.value.unit_id == w["b"].id
        assert task_count() == 2

    def test_a_unit_with_nothing_ticked_is_refused(self, world):
        w = world
        choices = [Choice(w["a"].id, [w["s"]["a3"].id]), Choice(w["b"].id, [])]
        with pytest.raises(UnitError, match="Huyện B"):
            assignment.assign(db.session, actor=w["leader"], today=TODAY, common=common(),
                              choices=choices)

    @pytest.mark.parametrize(("changes", "field"), [
        ({"title": "  "}, "title"),
        ({"due_on": date(2020, 11, 19)}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"priority": "whenever"}, "priority"),
    ])
    def test_bad_shared_fields_are_refused(self, world, changes, field):
        with pytest.raises(DomainError) as caught:
            assignment.assign(db.session, actor=world["leader"], today=TODAY,
                              common=common(**changes), choices=self.choices(world))
        db.session.rollback()
        assert caught.value.field == field
        assert task_count() == 2

    def test_only_the_leadership_assigns(self, world):
        member = factories.user(role=Role.MEMBER)
        with pytest.raises(PermissionDenied):
            assignment.assign(db.session, actor=member, today=TODAY, common=common(),
                              choices=self.choices(world))

    def test_an_unknown_follower_is_refused(self, world):
        w = world
        choices = [Choice(w["a"].id, [w["s"]["a3"].id], w["gone"].id)]
        with pytest.raises(UnitError) as caught:
            assignment.assign(db.session, actor=w["leader"], today=TODAY, common=common(),
                              choices=choices)
        assert caught.value.field == "follower"
