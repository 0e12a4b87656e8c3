"""The dashboard's trend chart draws the default plan's projection (dashed, from the last known
value through the value projected at each target date) and its targets: tested on the data the
chart is drawn from."""

import re
from datetime import date

import pytest

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import charts, plan_charts, plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories

JUN30, SEP30, DEC31 = date(2020, 6, 30), date(2020, 9, 30), date(2020, 12, 31)


@pytest.fixture
def world(app):
    """Sở A: 10 services at level 3 from 01/12/2019, one verified at 4 on the 15th of each
    month January to June; Huyện B: 10 at level 3. So 1/20 … 6/20 at the month ends."""
    app.config["TODAY"] = JUN30.isoformat()
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", display_order=2)
    services = [factories.service(a, level=3, listed_on=date(2019, 12, 1)) for _ in range(10)]
    for month, service in enumerate(services[:6], start=1):
        factories.level_change(service, 4, date(2020, month, 15))
    for _ in range(10):
        factories.service(b, level=3, listed_on=date(2019, 12, 1))
    factories.usage(services[0], date(2020, 5, 1), total=10, online=4)
    db.session.commit()
    return {"a": a}


def make_plan(*indicators):
    plans.create_plan(db.session, PlanDraft(
        code="KH-2020", name="Kế hoạch 2020", starts_on=date(2020, 1, 1), ends_on=DEC31,
        indicators=indicators), actor=factories.user(Role.LEADER, email="plans@backan.gov.vn"))
    db.session.commit()


def level4(*targets):
    return IndicatorDraft(code="L4", name="Mức độ 4", measure="share_at_class",
                          params={"min_level": 4, "verified_only": True},
                          milestones=tuple(MilestoneDraft(v, d) for v, d in targets))


def online(code="HS"):
    return IndicatorDraft(code=code, name="Hồ sơ trực tuyến", measure="online_dossiers",
                          params={"months": 12}, milestones=(MilestoneDraft(0.8, DEC31),))


def spec(as_of=JUN30):
    return charts.trend_spec([], 0.3, {}, plan_charts.trend_projection(db.session, as_of))


def test_the_projection_runs_from_the_last_value_through_each_target_date(world):
    make_plan(online(), level4((0.2, date(2020, 3, 31)), (0.4, SEP30), (0.5, DEC31)))
    projection = spec()["projection"]
    # From 6/20 on 30/06; the share rose one service (5 points) a month, so by hand about
    # 0.30 + 0.05 × 3 = 0.45 on 30/09 and 0.30 + 0.05 × 6 = 0.60 on 31/12 (months by days).
    [start, sep, dec] = projection["points"]
    assert start == ["2020-06-30", 0.3]
    assert sep[0] == "2020-09-30" and sep[1] == pytest.approx(0.45, abs=0.01)
    assert dec[0] == "2020-12-31" and dec[1] == pytest.approx(0.60, abs=0.01)
    # The values the indicator table shows, the same numbers.
    [item] = [i for i in plans.default_report(db.session, JUN30).indicators if i.code == "L4"]
    assert dec[1] == pytest.approx(item.targets[-1].projected)
    # Every target is marked, the past one too (it is not projected to).
    assert projection["targets"] == [["2020-03-31", 0.2], ["2020-09-30", 0.4],
                                     ["2020-12-31", 0.5]]


def test_a_target_date_passed_leaves_only_its_marker(world):
    make_plan(level4((0.2, date(2020, 3, 31))))
    assert spec()["projection"] == {"points": [], "targets": [["2020-03-31", 0.2]]}


def test_without_a_plan_or_its_figure_the_chart_is_as_before(world):
    assert "projection" not in spec()
    assert spec() == charts.trend_spec([], 0.3, {})
    make_plan(online())
    assert "projection" not in spec()


def test_fewer_than_three_months_draws_the_targets_without_a_projection(world, app):
    make_plan(level4((0.5, DEC31)))
    # 31/12/2019 is the first month end with services; 31/01 the second: no trend yet.
    assert spec(date(2020, 1, 31))["projection"] == {"points": [],
                                                     "targets": [["2020-12-31", 0.5]]}


def test_the_dashboard_chart_is_drawn_with_them(world, client, login_as):
    make_plan(level4((0.4, SEP30), (0.5, DEC31)))
    login_as("leader", locale="en")
    response = client.get("/dashboard/trend.svg?as_of=2020-06-30")
    assert response.status_code == 200
    svg = response.get_data(as_text=True)
    assert "Projected" in svg and "Targets of the plan" in svg and "12/2020" in svg
    # The figures of the chart under it name the projected values too.
    page = client.get("/dashboard?as_of=2020-06-30").get_data(as_text=True)
    rows = re.findall(r'<tr class="text-muted projected"><td>([^<]+)</td>'
                      r'<td class="text-end">projected ([^<]+)</td>', page)
    assert [day for day, _value in rows] == ["30/09/2020", "31/12/2020"]
