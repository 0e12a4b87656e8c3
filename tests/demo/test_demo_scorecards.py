"""``flask demo load --scorecards``: a few months of the 766 scorecard for the demo's units,
and the 2020 contract unchanged beside them."""

import json
from pathlib import Path

import pytest


def run_json(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_demo_loads_scorecards_that_tell_a_story(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15", "--scorecards"])
    assert result.exit_code == 0, result.output
    kpi = run_json(runner, "kpi", "--as-of", "2020-08-31", "--json")
    assert kpi["province"]["share_verified"] == pytest.approx(0.2406, abs=0.00005)
    expected = json.loads((Path(__file__).parent / "kpi_2020-08-31.json").read_text())
    by_name = {u["name"]: u["share_verified"] for u in expected["units"]}
    assert {u["name"]: u["share_verified"] for u in kpi["units"]} == by_name

    march = run_json(runner, "scorecard", "show", "--period", "2025-03", "--json")
    june = run_json(runner, "scorecard", "show", "--period", "2025-06", "--json")
    quarter = run_json(runner, "scorecard", "show", "--period", "2025-Q2", "--json")
    assert len(june["units"]) == 27 and {u["code"] for u in june["units"]} >= {"STP", "H-BABE"}
    totals = [u["total"] for u in june["units"]]
    assert any(t < 80 for t in totals) and any(80 <= t < 90 for t in totals)
    assert any(t >= 90 for t in totals)
    assert june["province"]["national_rank"] < march["province"]["national_rank"]
    assert june["province"]["total"] > march["province"]["total"]
    assert [u["total"] for u in quarter["units"]] == totals
    for unit in june["units"]:
        assert abs(sum(unit["groups"].values()) - unit["total"]) <= 0.02
    sample = runner.invoke(args=["scorecard", "import", "samples/scorecard-sample.xlsx",
                                 "--period", "2025-07", "--dry-run"])
    assert sample.exit_code == 0, sample.output
    assert "28 rows in 3 sheets, 0 new units" in sample.output  # the trend sheet left out
