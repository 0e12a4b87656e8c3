"""``flask demo load --merger-2025``: the story carried on through the merger of 1 July 2025,
the 2020 contract unchanged beside it."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taskforce.demo import merger_2025
from taskforce.demo.people import UNITS
from taskforce.extensions import db
from taskforce.models import Reorganisation, Unit, UnitKind
from taskforce.services import kpi
from taskforce.services.scorecard import pages as scorecard_pages

KEYS = ("services", "level3", "level4", "level4_verified")
OLD_CODES = {code for code, *_rest in UNITS}
NEW_DEPARTMENTS = {code for _codes, code, _name in merger_2025.DEPARTMENTS}
COMMUNES = {code for communes in merger_2025.COMMUNES.values() for code, _name in communes}


def run_json(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def by_code(figures):
    return {unit["code"]: unit for unit in figures["units"]}


@pytest.fixture
def merged(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15", "--merger-2025"])
    assert result.exit_code == 0, result.output
    assert "22" in result.output  # 14 departments' events and 8 splits
    return runner


def test_the_2020_contract_is_unchanged_with_the_merger(merged):
    figures = run_json(merged, "kpi", "--as-of", "2020-08-31", "--json")
    assert figures["province"]["share_verified"] == pytest.approx(0.2406, abs=0.00005)
    expected = json.loads((Path(__file__).parent / "kpi_2020-08-31.json").read_text())
    assert ({u["name"]: u["share_verified"] for u in figures["units"]}
            == {u["name"]: u["share_verified"] for u in expected["units"]})
    assert set(by_code(figures)) == OLD_CODES


def test_the_old_units_before_the_merger_and_the_new_ones_after(merged):
    before = run_json(merged, "kpi", "--as-of", "2025-06-30", "--json")
    after = run_json(merged, "kpi", "--as-of", "2025-07-01", "--json")
    assert set(by_code(before)) == OLD_CODES
    assert set(by_code(after)) == NEW_DEPARTMENTS | COMMUNES
    assert len(after["units"]) == 30
    # The province total does not jump: the merger only moves services.
    assert after["province"] == before["province"]
    assert run_json(merged, "kpi", "--as-of", "2025-07-31", "--json")["province"] == \
        before["province"]

    old, new = by_code(before), by_code(after)
    for codes, code, name in merger_2025.DEPARTMENTS:
        assert new[code]["name"] == name
        for key in KEYS:
            assert new[code][key] == sum(old[c][key] for c in codes), (code, key)
    for district, communes in merger_2025.COMMUNES.items():
        parts = [new[code] for code, _name in communes]
        assert all(part["services"] > 0 for part in parts)
        for key in KEYS:
            assert sum(part[key] for part in parts) == old[district][key], (district, key)


def test_a_new_units_trend_runs_through_its_predecessors(merged):
    finance = db.session.scalar(select(Unit).where(Unit.code == "TN-STC"))
    assert finance.started_on == date(2025, 7, 1)
    assert {p.code for p in finance.predecessors} == {"STC", "SKHDT"}
    for as_of in (date(2020, 8, 31), date(2020, 12, 31), date(2025, 6, 30)):
        parts = [kpi.unit_figures(db.session, p, as_of) for p in finance.predecessors]
        mine = kpi.unit_figures(db.session, finance, as_of)
        for key in KEYS:
            assert getattr(mine, key) == sum(getattr(p, key) for p in parts), (as_of, key)
    assert kpi.unit_figures(db.session, finance, date(2020, 8, 31)).services > 0
    july = kpi.unit_figures(db.session, finance, date(2025, 7, 31))
    june = kpi.unit_figures(db.session, finance, date(2025, 6, 30))
    assert (july.services, july.level4_verified) == (june.services, june.level4_verified)

    ward = db.session.scalar(select(Unit).where(Unit.code == "P-DUCXUAN"))
    assert ward.kind == UnitKind.COMMUNE and ward.name == "UBND phường Đức Xuân"
    assert [p.code for p in ward.predecessors] == ["TP-BACKAN"]
    city = db.session.scalar(select(Unit).where(Unit.code == "TP-BACKAN"))
    assert not city.active and city.ended_on == date(2025, 6, 30)
    events = db.session.scalars(select(Reorganisation)).all()
    assert len(events) == 22 and all(e.applied_at is not None for e in events)
    assert {e.basis for e in events} == {merger_2025.PROVINCE_BASIS, merger_2025.COMMUNE_BASIS}


def test_the_merger_needs_the_historical_founding(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2025-06-01", "--merger-2025"])
    assert result.exit_code != 0
    assert "--founded 2020-10-15" in result.output
    assert db.session.scalar(select(func.count(Unit.id))) == 0


def test_the_scorecard_runs_on_through_the_merger(runner):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15", "--scorecards",
                                 "--merger-2025"])
    assert result.exit_code == 0, result.output
    june = run_json(runner, "scorecard", "show", "--period", "2025-06", "--json")
    july = run_json(runner, "scorecard", "show", "--period", "2025-07", "--json")
    assert {u["code"] for u in june["units"]} == OLD_CODES
    assert {u["code"] for u in july["units"]} == NEW_DEPARTMENTS | COMMUNES
    assert july["province"]["name"] == "Tỉnh Thái Nguyên"
    for unit in july["units"]:
        assert abs(sum(unit["groups"].values()) - unit["total"]) <= 0.02
    totals = [u["total"] for u in july["units"]]
    assert any(t < 80 for t in totals) and any(t >= 90 for t in totals)

    # A new unit's scores over time run through the units it was made of.
    finance = db.session.scalar(select(Unit).where(Unit.code == "TN-STC"))
    history = [(period.label, row.unit.code) for period, row in
               scorecard_pages.unit_history(db.session, finance)]
    assert ("2025-07", "TN-STC") in history
    for month in ("2025-03", "2025-04", "2025-05", "2025-06"):
        assert {code for label, code in history if label == month} == {"STC", "SKHDT"}
    # The 2020 contract holds with both options.
    figures = run_json(runner, "kpi", "--as-of", "2020-08-31", "--json")
    assert figures["province"]["share_verified"] == pytest.approx(0.2406, abs=0.00005)
