"""The issue's criterion: with the demo loaded historically, a merger of two districts on
01/01/2021 leaves the figures of 2020 as they were and shows the new unit from January."""

import json

KEYS = ("services", "level3", "level4", "level4_verified")
SHEET = ("effective_on,change,from_codes,to_code,to_name,basis\n"
         "01/01/2021,merge,H-BABE;H-PACNAM,H-BABEPACNAM,UBND huyện Ba Bể - Pác Nặm,"
         "Nghị quyết số 01/NQ-HĐND\n")


def kpi(runner, as_of):
    result = runner.invoke(args=["kpi", "--json", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_merger_of_two_districts_moves_only_the_figures_from_its_date(runner, tmp_path):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15"])
    assert result.exit_code == 0, result.output
    december, january = kpi(runner, "2020-12-31"), kpi(runner, "2021-01-31")
    path = tmp_path / "merger.csv"
    path.write_text(SHEET, encoding="utf-8")
    result = runner.invoke(args=["units", "reorganise", str(path)])
    assert result.exit_code == 0, result.output

    assert kpi(runner, "2020-12-31") == december
    after = kpi(runner, "2021-01-31")
    units = {unit["code"]: unit for unit in after["units"]}
    assert "H-BABE" not in units and "H-PACNAM" not in units
    merged = units["H-BABEPACNAM"]
    before = {unit["code"]: unit for unit in january["units"]}
    for key in KEYS:
        assert merged[key] == before["H-BABE"][key] + before["H-PACNAM"][key], key
    assert merged["services"] > 0
    assert after["province"] == january["province"]
    others = {code: unit for code, unit in before.items() if code not in ("H-BABE", "H-PACNAM")}
    assert {code: units[code] for code in others} == others
