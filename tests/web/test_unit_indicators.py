"""The unit page shows the default plan's indicators with the unit's own value beside the
province's (the per-unit values of ``plans.evaluate``)."""

import re
from datetime import date

import pytest
from flask import g

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories

TODAY = date(2020, 6, 30)
DEC31 = date(2020, 12, 31)


@pytest.fixture
def world(app):
    """Sở A: 10 services at level 3, one verified at 4 on the 15th of each month January to
    June (6/10 on 30/06); Huyện B: 10 at level 3 (0/10); Huyện C: no service at all."""
    app.config["TODAY"] = TODAY.isoformat()
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", display_order=2)
    c = factories.unit("Huyện C", display_order=3)
    services = [factories.service(a, level=3, listed_on=date(2019, 12, 1)) for _ in range(10)]
    for month, service in enumerate(services[:6], start=1):
        factories.level_change(service, 4, date(2020, month, 15))
    for _ in range(10):
        factories.service(b, level=3, listed_on=date(2019, 12, 1))
    db.session.commit()
    return {"a": a, "b": b, "c": c}


def make_plan():
    plans.create_plan(db.session, PlanDraft(
        code="KH-2020", name="Kế hoạch 2020", starts_on=date(2020, 1, 1), ends_on=DEC31,
        indicators=(IndicatorDraft(code="L4", name="Dịch vụ mức độ 4", measure="share_at_class",
                                   params={"min_level": 4, "verified_only": True},
                                   milestones=(MilestoneDraft(0.5, DEC31),)),)),
        actor=factories.user(Role.LEADER, email="plans@backan.gov.vn"))
    db.session.commit()


def row(html):
    found = re.search(r'id="unit-indicators".*?<tbody>(.*?)</tbody>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell).replace("\xa0", " ")).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def test_the_units_value_beside_the_provinces(client, login_as, world):
    make_plan()
    login_as("viewer", locale="en")
    # The province: 6 of 20 (30 %), rising one service a month: on track for 50 % by 31/12.
    page = client.get(f"/units/{world['a'].id}").get_data(as_text=True)
    assert "Plan: Kế hoạch 2020" in page
    assert row(page) == ["L4 Dịch vụ mức độ 4", "60.00 %", "30.00 %", "50 % by 31/12/2020",
                         "on track"]
    assert row(client.get(f"/units/{world['b'].id}").get_data(as_text=True))[1:3] == \
        ["0.00 %", "30.00 %"]
    # A unit without a service has no share: "no data", never 0 %.
    assert row(client.get(f"/units/{world['c'].id}").get_data(as_text=True))[1] == "no data"


def test_without_a_plan_the_page_shows_no_indicators(client, login_as, world):
    login_as("viewer", locale="en")
    response = client.get(f"/units/{world['a'].id}")
    assert response.status_code == 200
    assert 'id="unit-indicators"' not in response.get_data(as_text=True)


def test_the_indicators_cost_a_fixed_number_of_statements(client, login_as, world,
                                                          count_queries):
    make_plan()
    login_as("leader", locale="en")
    url = f"/units/{world['a'].id}"

    def queries():
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return seen.count

    queries()  # the first request keeps the figures
    few = queries()
    for _ in range(10):
        factories.unit("Xã thêm")
    db.session.commit()
    queries()
    assert queries() == few
