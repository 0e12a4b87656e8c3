"""The assignment wizard proposes its quotas from the default plan's share indicator (the
ranking of ``next_steps``) and shows the proposal's effect on it before anything is made."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Role, Task
from taskforce.services import assignment, plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories

TODAY = date(2020, 11, 20)
DEC31 = date(2020, 12, 31)


@pytest.fixture
def world(app):
    """By hand: Sở A 2 of 10 at level 4; Huyện B 0 of 10; Sở C 4 of 5. The province: 6/25.

    For a plan's 50 %: A needs ⌈5 − 2⌉ = 3, B 5, C none (80 %); if those 8 services reach
    level 4, 14/25 = 56 %. The settings' 30 % would ask A for 1 and B for 3.
    """
    app.config["TODAY"] = TODAY.isoformat()
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", display_order=2)
    c = factories.unit("Sở C", display_order=3)
    for unit, at4, at3 in ((a, 2, 8), (b, 0, 10), (c, 4, 1)):
        for _ in range(at4):
            factories.service(unit, level=4, listed_on=date(2020, 1, 1))
        for _ in range(at3):
            factories.service(unit, level=3, listed_on=date(2020, 1, 1))
    db.session.commit()
    return {"a": a, "b": b, "c": c}


def make_plan(measure="share_at_class", params=None):
    plans.create_plan(db.session, PlanDraft(
        code="KH", name="Kế hoạch", starts_on=date(2020, 1, 1), ends_on=DEC31,
        indicators=(IndicatorDraft(code="L4", name="Mức độ 4", measure=measure,
                                   params={"min_level": 4, "verified_only": True}
                                   if params is None else params,
                                   milestones=(MilestoneDraft(0.5, DEC31),)),)),
        actor=factories.user(Role.LEADER, email="plans@backan.gov.vn"))
    db.session.commit()


def proposal(world):
    return assignment.plan(db.session, unit_ids=[u.id for u in world.values()], today=TODAY)


def test_the_quotas_follow_the_plans_target(world):
    make_plan()
    proposed = proposal(world)
    assert [(p.unit.name, p.quota, p.suggested) for p in proposed] == [
        ("Sở A", 3, 3), ("Huyện B", 5, 5), ("Sở C", 0, 0)]
    effect = assignment.effect(db.session, proposed, TODAY)
    assert effect.indicator.code == "L4" and effect.indicator.value == pytest.approx(6 / 25)
    assert effect.proposed == 8 and effect.value_after == pytest.approx(14 / 25)


def test_without_a_share_indicator_the_settings_target_as_before(world):
    assert [p.quota for p in proposal(world)] == [1, 3, 0]
    assert assignment.effect(db.session, proposal(world), TODAY) is None


def test_the_wizard_shows_the_effect_before_anything_is_made(world, client, login_as):
    make_plan()
    login_as("leader", locale="en")
    before = db.session.scalar(select(func.count(Task.id)))
    page = client.post("/tasks/assign", data={
        "action": "next", "target_on": "31/12/2020", "due_on": "15/12/2020",
        "units": [u.id for u in world.values()], "title": "Nâng cấp dịch vụ công",
        "priority": "normal", "description": ""}).get_data(as_text=True)
    assert "Step 2 of 2" in page
    box = re.search(r'id="proposal-effect">(.*?)</div>', page, re.S).group(1)
    box = re.sub(r"\s+", " ", box.replace("\xa0", " "))
    assert "The quotas follow the plan's indicator L4 Mức độ 4: 50 % by 31/12/2020." in box
    assert "Today 24.00 %; if the 8 proposed services reach level 4: 56.00 %." in box
    assert "Quota: 3" in page and "Quota: 5" in page
    assert db.session.scalar(select(func.count(Task.id))) == before
