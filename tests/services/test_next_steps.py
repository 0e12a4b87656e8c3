"""Best next steps against a small case computed by hand."""

from datetime import date

import pytest

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import measures, next_steps, plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories

AS_OF = date(2020, 12, 31)


@pytest.fixture
def world(app):
    """Sở A: 10 services, 2 at level 4; Huyện B: 4 services, none at 4; Sở C: 5, all at 4.
    Usage in 2020 (total, online): s1 (A, level 3) 100, 10; s2 (B, level 2) 50, 0 and
    1000, 0 in 2019 (outside the window); s3 (C, level 4) 200, 50; s4 (A, level 3) 30, 30."""
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", display_order=2)
    c = factories.unit("Sở C", display_order=3)
    a_services = [factories.service(a, level=4 if i < 2 else 3, code=f"A{i}") for i in range(10)]
    b_services = [factories.service(b, level=2, code=f"B{i}") for i in range(4)]
    c_services = [factories.service(c, level=4, code=f"C{i}") for i in range(5)]
    s1, s2, s3, s4 = a_services[2], b_services[0], c_services[0], a_services[3]
    factories.usage(s1, date(2020, 6, 1), total=100, online=10)
    factories.usage(s2, date(2020, 3, 1), total=50, online=0)
    factories.usage(s2, date(2019, 12, 1), total=1000, online=0)
    factories.usage(s3, date(2020, 9, 1), total=200, online=50)
    factories.usage(s4, date(2020, 9, 1), total=30, online=30)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "s1": s1, "s2": s2}


def test_units_ranked_by_the_services_they_lack(world):
    result = measures.compute(db.session, "share_at_class", AS_OF)
    units = [(world[k].id, world[k].name) for k in "abc"]
    steps = next_steps.units_to_push(result, units, 0.5)
    assert [(s.name, s.services, s.at_class, s.needed) for s in steps] == [
        ("Sở A", 10, 2, 3), ("Huyện B", 4, 0, 2)]  # Sở C is at the target
    assert [s.points for s in steps] == pytest.approx([3 / 19, 2 / 19])
    assert steps[0].share == pytest.approx(0.2)


def test_services_ranked_by_the_dossiers_not_yet_online(world):
    steps = next_steps.services_to_upgrade(db.session, AS_OF, months=12)
    assert [(s.code, s.level, s.dossiers, s.offline) for s in steps] == [
        ("A2", 3, 100, 90), ("B0", 2, 50, 50)]  # level 4 and all-online services left out
    assert [s.points for s in steps] == pytest.approx([90 / 380, 50 / 380])


def test_for_a_plan_each_indicator_gets_its_kind_of_step(world):
    draft = PlanDraft("KH", "Kế hoạch", date(2020, 1, 1), date(2021, 12, 31), indicators=(
        IndicatorDraft("L4", "Mức độ 4", "share_at_class", {},
                       (MilestoneDraft(0.5, date(2021, 6, 30)),)),
        IndicatorDraft("HS", "Hồ sơ trực tuyến", "online_dossiers", {"months": 12},
                       (MilestoneDraft(0.8, date(2021, 12, 31)),))))
    plan = plans.create_plan(db.session, draft, actor=factories.user(Role.LEADER))
    report = plans.evaluate(db.session, plan, AS_OF, with_units=False)
    (kind1, units), (kind2, services) = next_steps.for_plan(db.session, report)
    assert (kind1, [s.name for s in units]) == ("units", ["Sở A", "Huyện B"])
    assert (kind2, [s.code for s in services]) == ("services", ["A2", "B0"])
