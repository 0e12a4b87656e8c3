"""Plans: each bad draft refused with nothing changed, the default plan, and evaluation."""

from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Indicator, Milestone, Plan, Role
from taskforce.services import forecast, plans
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories


@pytest.fixture
def world(app):
    """Sở A: 10 services at level 3 from 01/01/2020, one verified at 4 on the 15th of each month
    January to June; Huyện B: 10 services at level 3. So 1/20 … 6/20 at the month ends."""
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", display_order=2)
    services = [factories.service(a, level=3) for _ in range(10)]
    for month, service in enumerate(services[:6], start=1):
        factories.level_change(service, 4, date(2020, month, 15))
    for _ in range(10):
        factories.service(b, level=3)
    leader = factories.user(Role.LEADER)
    db.session.commit()
    return {"a": a, "b": b, "leader": leader, "services": services}


DEC31 = date(2020, 12, 31)


def indicator(code="L4", measure="share_at_class", params=None, targets=((0.5, DEC31),),
              name="Dịch vụ toàn trình"):
    return IndicatorDraft(code=code, name=name, measure=measure,
                          params={"min_level": 4, "verified_only": True} if params is None
                          else params,
                          milestones=tuple(MilestoneDraft(value, day) for value, day in targets))


def draft(*indicators, code="KH-2020", starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31),
          **kw):
    return PlanDraft(code=code, name=kw.pop("name", "Kế hoạch 2020"), starts_on=starts_on,
                     ends_on=ends_on, basis_number=kw.pop("basis_number", "17/NQ-CP"),
                     basis_date=kw.pop("basis_date", date(2019, 3, 7)),
                     indicators=indicators if indicators else (indicator(),), **kw)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Plan, Indicator, Milestone, AuditEvent))


def test_create_a_plan_with_its_indicator_and_an_audit_event(world):
    plan = plans.create_plan(db.session, draft(), actor=world["leader"])
    db.session.commit()
    assert plan.is_default  # the first plan
    assert [(i.code, i.measure, i.params) for i in plan.indicators] == [
        ("L4", "share_at_class", {"min_level": 4, "verified_only": True})]
    assert [(m.target_value, m.target_on) for m in plan.indicators[0].milestones] == [
        (0.5, date(2020, 12, 31))]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.create"))
    assert event.object_id == plan.id and "share_at_class" in event.changes["indicators"][1]


BAD_DRAFTS = {
    "no indicator": (PlanDraft("KH", "Kế hoạch", date(2020, 1, 1), date(2020, 12, 31)),
                     "indicators"),
    "target over 100 %": (draft(indicator(targets=((1.2, DEC31),))), "indicators-0-target"),
    "target below 0": (draft(indicator(targets=((-0.1, DEC31),))), "indicators-0-target"),
    "target before the start": (draft(indicator(targets=((0.3, date(2019, 12, 31)),))),
                                "indicators-0-target_on"),
    "target after the end": (draft(indicator(targets=((0.3, date(2021, 1, 1)),))),
                             "indicators-0-target_on"),
    "target without a date": (draft(indicator(targets=((0.3, None),))), "indicators-0-target_on"),
    "no target": (draft(indicator(targets=())), "indicators-0-target"),
    "two targets on one date": (draft(indicator(targets=((0.3, date(2020, 6, 30)),
                                                         (0.4, date(2020, 6, 30))))),
                                "indicators-0-target_on"),
    "a measure without data": (draft(indicator(measure="online_dossiers", params={})),
                               "indicators-0-measure"),
    "an unknown measure": (draft(indicator(measure="happiness", params={})),
                           "indicators-0-measure"),
    "an unknown parameter": (draft(indicator(params={"colour": 1})), "indicators-0-measure"),
    "a bad parameter": (draft(indicator(params={"min_level": 7})), "indicators-0-measure"),
    "two indicators with one code": (draft(indicator(), indicator(code="l4")), "indicators-1-code"),
    "no code": (draft(code="  "), "code"),
    "ends before it starts": (draft(ends_on=date(2019, 12, 31)), "ends_on"),
    "no start": (draft(starts_on=None), "starts_on"),
    "a date past the years known": (draft(ends_on=date(2150, 1, 1)), "ends_on"),
}


@pytest.mark.parametrize("name", BAD_DRAFTS)
def test_each_bad_draft_is_refused_and_changes_nothing(world, name):
    bad, field = BAD_DRAFTS[name]
    before = counts()
    with pytest.raises(DomainError) as error:
        plans.create_plan(db.session, bad, actor=world["leader"])
    db.session.rollback()
    assert error.value.field == field and error.value.message
    assert counts() == before


@pytest.mark.parametrize("name", ["target over 100 %", "a measure without data",
                                  "two indicators with one code", "no indicator"])
def test_a_bad_edit_changes_nothing(world, name):
    plan = plans.create_plan(db.session, draft(), actor=world["leader"])
    db.session.commit()
    before = counts()
    with pytest.raises(DomainError):
        plans.update_plan(db.session, plan, BAD_DRAFTS[name][0], actor=world["leader"])
    db.session.rollback()
    assert counts() == before
    plan = db.session.get(Plan, plan.id)
    assert plan.code == "KH-2020"
    assert [(m.target_value, m.target_on) for m in plan.indicators[0].milestones] == [
        (0.5, date(2020, 12, 31))]


def test_a_plan_code_is_taken_once(world):
    plans.create_plan(db.session, draft(), actor=world["leader"])
    with pytest.raises(DomainError) as error:
        plans.create_plan(db.session, draft(code="kh-2020"), actor=world["leader"])
    assert error.value.field == "code"


def test_no_actor_changes_no_plan(world):
    with pytest.raises(PermissionDenied):
        plans.create_plan(db.session, draft(), actor=None)


def test_an_inactive_leader_changes_no_plan(world):
    world["leader"].active = False
    with pytest.raises(PermissionDenied):
        plans.create_plan(db.session, draft(), actor=world["leader"])


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER, Role.UNIT_OFFICER])
def test_only_leaders_and_admins_change_plans(world, role):
    someone = factories.user(role)
    with pytest.raises(PermissionDenied):
        plans.create_plan(db.session, draft(), actor=someone)
    plan = plans.create_plan(db.session, draft(), actor=factories.user(Role.ADMIN))
    for call in (lambda: plans.update_plan(db.session, plan, draft(), actor=someone),
                 lambda: plans.set_default(db.session, plan, actor=someone),
                 lambda: plans.delete_plan(db.session, plan, actor=someone)):
        with pytest.raises(PermissionDenied):
            call()


def test_an_edit_replaces_the_indicators_and_is_audited(world):
    plan = plans.create_plan(db.session, draft(), actor=world["leader"])
    db.session.commit()
    plans.update_plan(db.session, plan, draft(
        indicator(targets=((0.3, date(2020, 6, 30)), (0.6, date(2020, 12, 31)))),
        indicator(code="L3", params={"min_level": 3, "verified_only": False}),
        name="Kế hoạch 2020 (sửa)"), actor=world["leader"])
    db.session.commit()
    plan = db.session.get(Plan, plan.id)
    assert plan.name == "Kế hoạch 2020 (sửa)"
    assert [i.code for i in plan.indicators] == ["L4", "L3"]
    assert [m.target_value for m in plan.indicators[0].milestones] == [0.3, 0.6]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.update"))
    assert set(event.changes) == {"name", "indicators"}
    # The same draft again changes nothing and records nothing.
    before = counts()
    plans.update_plan(db.session, plan, draft(
        indicator(targets=((0.3, date(2020, 6, 30)), (0.6, date(2020, 12, 31)))),
        indicator(code="L3", params={"min_level": 3, "verified_only": False}),
        name="Kế hoạch 2020 (sửa)"), actor=world["leader"])
    assert counts() == before


def test_exactly_one_default(world):
    first = plans.create_plan(db.session, draft(), actor=world["leader"])
    second = plans.create_plan(db.session, draft(code="KH-2021", ends_on=date(2021, 12, 31)),
                               actor=world["leader"])
    assert (first.is_default, second.is_default) == (True, False)
    plans.set_default(db.session, second, actor=world["leader"])
    db.session.commit()
    assert plans.default_plan(db.session) is second
    assert db.session.scalar(select(func.count()).where(Plan.is_default.is_(True))) == 1
    with pytest.raises(DomainError):
        plans.delete_plan(db.session, second, actor=world["leader"])
    plans.delete_plan(db.session, first, actor=world["leader"])
    plans.delete_plan(db.session, second, actor=world["leader"])  # the last one may go
    db.session.commit()
    assert counts()[:3] == (0, 0, 0)


def test_by_code(world):
    plan = plans.create_plan(db.session, draft(), actor=world["leader"])
    assert plans.by_code(db.session, "kh-2020") is plan
    with pytest.raises(DomainError):
        plans.by_code(db.session, "KH-1999")


def test_evaluate_gives_value_target_projection_status_and_pace(world):
    plan = plans.create_plan(db.session, draft(indicator(
        targets=((0.25, date(2020, 5, 31)), (0.5, date(2020, 12, 31)))), indicator(
        code="L4X", targets=((0.9, date(2020, 12, 31)),))), actor=world["leader"])
    db.session.commit()
    report = plans.evaluate(db.session, plan, date(2020, 6, 30))
    first, second = report.indicators
    assert first.value == pytest.approx(0.30)
    # The next target on or after the date: 31/12; the May one has passed.
    assert (first.target, first.target_on) == (0.5, date(2020, 12, 31))
    assert [value for _day, value in first.series] == pytest.approx(
        [0.05, 0.10, 0.15, 0.20, 0.25, 0.30])
    assert first.slope == pytest.approx(0.05, abs=0.003)
    months_left = forecast.months_between(date(2020, 6, 30), date(2020, 12, 31))
    assert first.projected == pytest.approx(0.30 + first.slope * months_left)
    assert first.status == forecast.ON_TRACK
    assert first.pace == pytest.approx(0.20 / months_left)
    assert first.pace_services == 1  # 4 services in six months
    assert [t.target for t in first.targets] == [0.25, 0.5]
    assert [(u.name, u.value) for u in first.units] == [("Sở A", 0.6), ("Huyện B", 0.0)]
    assert second.status == forecast.OFF_TRACK
    assert second.pace_services == 2  # 12 services in six months
