"""``flask kpi``: the figures as a table or as JSON, and refused arguments."""

import json
import re
from datetime import date

import pytest

from taskforce.extensions import db
from taskforce.models import ClaimStatus, UnitKind
from tests import factories

INT_KEYS = ("services", "level3", "level4", "level4_verified", "to_target")
FLOAT_KEYS = ("share", "share_verified")


@pytest.fixture
def catalog(app):
    """Sở A: 4 services, one verified at level 4 on 01/07, one claimed; Huyện B: 2, one at 4."""
    a = factories.unit("Sở A", display_order=1, code="SA")
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2, code="HB")
    factories.unit("Sở trống", display_order=3, code="ST")
    s1 = factories.service(a, level=3)
    factories.level_change(s1, 4, date(2020, 7, 1))
    s2 = factories.service(a, level=3)
    factories.level_change(s2, 4, date(2020, 7, 1), status=ClaimStatus.PENDING)
    factories.service(a, level=3)
    factories.service(a, level=2)
    factories.service(b, level=4)
    factories.service(b, level=3)
    db.session.commit()


def run_json(runner, *args):
    result = runner.invoke(args=["kpi", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_has_the_documented_shape(runner, catalog):
    data = run_json(runner, "--as-of", "2020-08-31")
    assert data["as_of"] == "2020-08-31"
    assert data["target"] == 0.30
    assert data["province"] == {"services": 6, "level3": 3, "level4": 3, "level4_verified": 2,
                                "share": 0.5, "share_verified": 0.3333, "to_target": 0}
    assert data["units"][0] == {"code": "SA", "name": "Sở A", "kind": "department",
                                "services": 4, "level3": 2, "level4": 2, "level4_verified": 1,
                                "share": 0.5, "share_verified": 0.25, "to_target": 1}
    assert data["units"][1]["kind"] == "district"
    assert data["units"][2] == {"code": "ST", "name": "Sở trống", "kind": "department",
                                "services": 0, "level3": 0, "level4": 0, "level4_verified": 0,
                                "share": 0.0, "share_verified": 0.0, "to_target": 0}


def test_json_numbers_are_numbers(runner, catalog):
    data = run_json(runner, "--as-of", "2020-08-31")
    assert type(data["target"]) is float
    for figures in [data["province"], *data["units"]]:
        assert all(type(figures[key]) is int for key in INT_KEYS)
        assert all(type(figures[key]) is float for key in FLOAT_KEYS)


def test_figures_move_with_the_date(runner, catalog):
    before = run_json(runner, "--as-of", "2020-06-30")["province"]
    after = run_json(runner, "--as-of", "2020-07-01")["province"]
    assert (before["level4_verified"], before["level4"]) == (1, 1)
    assert (after["level4_verified"], after["level4"]) == (2, 3)
    assert run_json(runner, "--as-of", "2019-12-31")["province"]["services"] == 0


@pytest.mark.parametrize("target", ["0", "0.1", "0.3", "0.75", "1"])
def test_to_target_is_never_negative(runner, catalog, target):
    data = run_json(runner, "--as-of", "2020-08-31", "--target", target)
    assert data["target"] == float(target)
    assert all(f["to_target"] >= 0 for f in [data["province"], *data["units"]])


def test_target_option_changes_the_gap(runner, catalog):
    data = run_json(runner, "--as-of", "2020-08-31", "--target", "0.75")
    assert data["province"]["to_target"] == 3  # 6 services: 5 needed, 2 verified


def test_default_date_is_today(app, runner, catalog):
    app.config["TODAY"] = "2020-06-30"
    assert run_json(runner)["as_of"] == "2020-06-30"


def test_table_output(runner, catalog):
    result = runner.invoke(args=["kpi", "--as-of", "2020-08-31"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "2020-08-31" in lines[0]
    assert lines[-1].startswith("Province")
    assert "33.33%" in lines[-1]
    assert any(line.startswith("Sở A") and "25.00%" in line for line in lines)
    assert any(line.startswith("Huyện B") for line in lines)


@pytest.mark.parametrize("args", [["--as-of", "31/08/2020"], ["--as-of", "2020-02-30"],
                                  ["--as-of", "1900-01-01"], ["--target", "1.5"],
                                  ["--target", "many"]])
def test_bad_arguments_are_refused(runner, catalog, args):
    result = runner.invoke(args=["kpi", *args])
    assert result.exit_code == 2
    assert "Error" in result.output


@pytest.fixture
def dashboard_queries(client, count_queries):
    """The page's text and the number of SQL statements it took, from a fresh session."""

    def load(url):
        db.session.expire_all()
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.get_data(as_text=True), queries.count

    return load


def test_demo_data_gives_the_article_figure(runner, login_as, dashboard_queries):
    result = runner.invoke(args=["demo", "load", "--founded", "2020-10-15"])
    assert result.exit_code == 0, result.output
    data = run_json(runner, "--as-of", "2020-08-31")
    share = data["province"]["share_verified"]
    assert share == pytest.approx(0.2406, abs=0.005)

    login_as("viewer")
    url = "/dashboard?as_of=2020-08-31"
    html, _ = dashboard_queries(url)
    big = re.search(r'id="province-share">([^<]+)<', html).group(1)
    assert big.replace("\xa0", " ") == f"{share * 100:.2f} %".replace(".", ",")

    _, demo_size = dashboard_queries(url)
    for n in range(30):
        unit = factories.unit(f"Đơn vị thêm {n}")
        factories.service(unit, level=4)
    db.session.commit()
    dashboard_queries(url)  # the figures are computed again once after a change
    _, larger = dashboard_queries(url)
    assert demo_size == larger


def test_rebuild_writes_the_stored_figures_again(runner, catalog):
    """Rows written around the session (as by a bulk loader) reach the figures once the
    operator rebuilds them; the figures read afterwards are the history's."""
    def stored():
        return (db.session.execute(db.text(
                    "SELECT month_end, unit_id, services, level3, level4, level4_verified,"
                    " effective4 FROM month_figures ORDER BY month_end, unit_id")).all(),
                db.session.execute(db.text(
                    "SELECT id, claimed_level FROM services ORDER BY id")).all())

    kept = stored()
    assert kept[0] and any(level == 4 for _id, level in kept[1])
    db.session.execute(db.text("DELETE FROM month_figures"))
    db.session.execute(db.text("UPDATE services SET claimed_level = NULL"))
    db.session.commit()
    result = runner.invoke(args=["kpi", "rebuild"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+", result.output)
    assert stored() == kept
    data = run_json(runner, "--as-of", "2020-08-31")
    assert data["province"]["level4"] == 3 and data["province"]["level4_verified"] == 2
