"""``flask plans list`` and the plan's part of ``flask kpi``: the default plan, --plan CODE."""

import json
from datetime import date

import pytest

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories

OLD_KEYS = {"as_of", "target", "province", "units"}


def _draft(code, target, target_on, ends_on):
    return PlanDraft(code=code, name=f"Kế hoạch {code}", starts_on=date(2020, 1, 1),
                     ends_on=ends_on, basis_number="17/NQ-CP", basis_date=date(2019, 3, 7),
                     indicators=(IndicatorDraft("L4", "Mức độ 4", "share_at_class",
                                                {"min_level": 4, "verified_only": True},
                                                (MilestoneDraft(target, target_on),)),))


@pytest.fixture
def world(app):
    """Sở A: 4 services at level 3, one verified at 4 each month from March; Sở B: empty."""
    a = factories.unit("Sở A", display_order=1)
    factories.unit("Sở B", display_order=2)
    for month in range(3, 7):
        factories.level_change(factories.service(a, level=3), 4, date(2020, month, 10))
    for _ in range(6):
        factories.service(a, level=3)
    leader = factories.user(Role.LEADER)
    plans.create_plan(db.session, _draft("KH-2020", 0.5, date(2020, 12, 31), date(2020, 12, 31)),
                      actor=leader)
    plans.create_plan(db.session, _draft("KH-2021", 0.9, date(2021, 6, 30), date(2021, 12, 31)),
                      actor=leader)
    db.session.commit()


def run_json(runner, *args):
    result = runner.invoke(args=["kpi", "--json", "--as-of", "2020-06-30", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_kpi_json_adds_the_default_plan_and_its_indicators(runner, world):
    data = run_json(runner)
    assert set(data) > OLD_KEYS
    assert data["plan"] == {"code": "KH-2020", "name": "Kế hoạch KH-2020"}
    [item] = data["indicators"]
    assert {"code", "name", "value", "target", "target_on", "projected", "status",
            "units"} <= set(item)
    assert (item["code"], item["value"], item["target"], item["target_on"]) == (
        "L4", 0.4, 0.5, "2020-12-31")
    assert item["status"] == "on_track"  # a service a month: 10 points a month
    assert item["projected"] == pytest.approx(1.0, abs=0.01)
    assert item["units"] == [{"unit": "Sở A", "value": 0.4}, {"unit": "Sở B", "value": None}]


def test_kpi_plan_selects_another(runner, world):
    data = run_json(runner, "--plan", "kh-2021")
    assert data["plan"]["code"] == "KH-2021"
    assert data["indicators"][0]["target"] == 0.9
    assert data["indicators"][0]["target_on"] == "2021-06-30"


def test_kpi_unknown_plan_is_refused(runner, world):
    result = runner.invoke(args=["kpi", "--plan", "KH-1999"])
    assert result.exit_code == 2
    assert "KH-1999" in result.output


def test_kpi_without_plans(runner, app):
    data = run_json(runner)
    assert data["plan"] is None and data["indicators"] == []


def test_kpi_table_lists_the_indicators(runner, world):
    result = runner.invoke(args=["kpi", "--as-of", "2020-06-30"])
    assert result.exit_code == 0, result.output
    assert "Plan KH-2020" in result.output
    assert "L4: Mức độ 4 — 40.00%, target 50.00% by 2020-12-31" in result.output


def test_plans_list(runner, world):
    result = runner.invoke(args=["plans", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("* KH-2020  Kế hoạch KH-2020  (basis: 17/NQ-CP of 2019-03-07; "
                               "2020-01-01 to 2020-12-31)")
    assert "[default]" in lines[0]
    assert "L4: Mức độ 4 [share_at_class min_level=4, verified_only=True] 50% by 2020-12-31" \
        in lines[1]
    assert lines[2].startswith("  KH-2021") and "[default]" not in lines[2]


def test_plans_list_empty(runner, app):
    result = runner.invoke(args=["plans", "list"])
    assert result.exit_code == 0 and "No plans yet." in result.output
