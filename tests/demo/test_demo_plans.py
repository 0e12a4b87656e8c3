"""The demo's plans: the 2020 figures unchanged, the 2020 plan's indicator, the 2025 plan."""

import json
from datetime import date
from pathlib import Path

import pytest

from taskforce.extensions import db
from taskforce.services import forecast, plans

BEFORE = Path(__file__).parent / "kpi_2020-08-31.json"  # `flask kpi` before plans existed


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15"])
    assert result.exit_code == 0, result.output
    return runner


def kpi(runner, *args):
    result = runner.invoke(args=["kpi", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_2020_figures_do_not_move_and_the_plan_shows_them(demo):
    data = kpi(demo, "--as-of", "2020-08-31")
    before = json.loads(BEFORE.read_text())
    # Each unit's code came later (issue #17): every key and value of before, and a code.
    assert all(unit.pop("code") for unit in data["units"])
    assert {key: data[key] for key in before} == before
    assert data["province"]["share_verified"] == 0.2406
    assert data["plan"]["code"] == "BK-2020"
    [item] = data["indicators"]
    assert (item["value"], item["target"], item["target_on"]) == (0.2406, 0.30, "2020-12-31")
    assert item["projected"] is not None and 0.2406 < item["projected"] < 0.30
    assert item["status"] in forecast.STATUSES
    verified = {unit["name"]: unit["share_verified"] for unit in before["units"]}
    assert {unit["unit"]: unit["value"] for unit in item["units"]
            if unit["value"] is not None} == {name: share for name, share in verified.items()
                                             if name in {u["unit"] for u in item["units"]
                                                         if u["value"] is not None}}


def test_the_2025_plan_has_data_for_each_indicator(demo):
    data = kpi(demo, "--as-of", "2020-11-29", "--plan", "BK-2025")
    measures = {item["measure"]: item for item in data["indicators"]}
    assert set(measures) == {"share_at_class", "online_dossiers", "paid_online", "digitised"}
    assert all(item["value"] is not None and item["projected"] is not None
               for item in data["indicators"])
    assert measures["online_dossiers"]["target"] == 0.5  # the next milestone, 2022
    listing = demo.invoke(args=["plans", "list"]).output
    assert "* BK-2020" in listing and "  BK-2025" in listing


def test_the_plan_pages_render_with_the_demo(demo, client, login_as):
    login_as("leader")
    listing = client.get("/plans").get_data(as_text=True)
    assert "BK-2020" in listing and "BK-2025" in listing
    for code, as_of in (("BK-2020", "2020-08-31"), ("BK-2025", "2020-11-29")):
        plan_id = listing.split(f"<td>{code}</td>")[1].split('href="/plans/')[1].split('"')[0]
        page = client.get(f"/plans/{plan_id}?as_of={as_of}")
        assert page.status_code == 200
        assert 'id="steps-1"' in page.get_data(as_text=True)
        assert client.get(f"/plans/{plan_id}/edit").status_code == 200
    dashboard = client.get("/dashboard?as_of=2020-08-31").get_data(as_text=True)
    assert 'id="plan-indicators"' in dashboard and "24,06 %" in dashboard


@pytest.mark.parametrize("as_of", ["2020-08-31", "2020-10-20", "2020-11-29"])
def test_without_units_the_value_is_the_series_last_point_and_the_same(demo, app, as_of):
    day = date.fromisoformat(as_of)
    for plan in plans.list_plans(db.session):
        full = plans.evaluate(db.session, plan, day)
        light = plans.evaluate(db.session, plan, day, with_units=False)
        assert [(i.value, i.projected, i.status, i.pace_services) for i in full.indicators] == \
            [(i.value, i.projected, i.status, i.pace_services) for i in light.indicators]
