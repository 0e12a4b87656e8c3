"""The dashboard with a default plan of five indicators answers in a fixed number of SQL
statements, whatever the number of units, services and months of usage: with its figures kept,
and right after a change, when the plan's figures are computed again (the benchmark's
"Dashboard with the default plan" rows)."""

from datetime import date, timedelta

import pytest

from taskforce.extensions import db
from taskforce.models import ClaimStatus, Role, UnitKind
from taskforce.services import plans
from tests import factories

TODAY = date(2020, 11, 20)
SMALL, LARGE = 2, 10
FIVE = (("DVC-4", "share_at_class", {"min_level": 4, "verified_only": True}),
        ("HS-TT", "online_dossiers", {"months": 12}),
        ("TT-TT", "paid_online", {"months": 12}),
        ("SO-HOA", "digitised", {"months": 12}),
        ("HIEU-QUA", "effectiveness", {"min_level": 4, "months": 3}))


@pytest.fixture(autouse=True)
def settings(app):
    app.config["TODAY"] = TODAY.isoformat()


def add_units(n, offset):
    """``n`` units, each with services at levels 2 to 4, a pending claim and a year of usage."""
    for i in range(offset, offset + n):
        unit = factories.unit(f"Đơn vị {i}", kind=UnitKind.DISTRICT if i % 2 else
                              UnitKind.DEPARTMENT)
        services = []
        for level in (2, 3, 4, 4):
            service = factories.service(unit, level=level, name=f"Thủ tục {i}-{level}",
                                        has_fee=level == 3)
            services.append(service)
            for months_back in range(12):
                month = date(2020, 11, 1) - timedelta(days=31 * months_back)
                factories.usage(service, month.replace(day=1), total=20,
                                online=5 * (level - 2), paid_online=level - 2,
                                digitised=None if i % 3 == 0 else 8)
        factories.level_change(services[1], 4, TODAY - timedelta(days=3),
                               status=ClaimStatus.PENDING)
    db.session.commit()


def five_indicator_plan(leader):
    draft = plans.PlanDraft(
        code="KH-5", name="Năm chỉ tiêu", starts_on=date(2020, 1, 1),
        ends_on=date(2021, 12, 31),
        indicators=tuple(plans.IndicatorDraft(
            code=code, name=code, measure=measure, params=params,
            milestones=(plans.MilestoneDraft(0.8, date(2021, 12, 31)),))
            for code, measure, params in FIVE))
    plan = plans.create_plan(db.session, draft, actor=leader)
    db.session.commit()
    assert plan.is_default
    return plan


def test_the_dashboard_with_five_indicators_costs_the_same_at_any_size(client, count_queries):
    leader = factories.user(Role.LEADER, locale="en")
    db.session.commit()
    response = client.post("/login", data={"email": leader.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302

    def cost():
        db.session.expire_all()
        with count_queries() as queries:
            response = client.get("/dashboard")
        assert response.status_code == 200
        assert "HIEU-QUA" in response.get_data(as_text=True)
        return queries.count

    add_units(SMALL, 0)
    five_indicator_plan(leader)
    changed_small = cost()  # the first request after the changes computes every figure
    kept_small = cost()
    add_units(LARGE - SMALL, SMALL)
    changed_large = cost()
    kept_large = cost()
    assert kept_small == kept_large <= 11
    assert changed_small == changed_large
    # The plan's figures after a change: the share from the dashboard's own trend, the three
    # dossier measures in one statement (and the usage stamp they are kept under),
    # effectiveness in one; no statement per unit or month.
    assert changed_large <= kept_large + 6
