"""``flask scorecard import`` and ``flask scorecard show``."""

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ScoreRow, UnitKind
from tests import factories
from tests.services.test_scorecard import HEADER, record


def write_csv(path, records):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for item in records:
        writer.writerow([item[key] for key in HEADER])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return str(path)


@pytest.fixture
def units(app):
    made = (factories.unit("Sở Tư pháp", code="H55.01"), factories.unit("Sở Y tế", code="H55.02"),
            factories.unit("Xã Phú Thượng", code="H55.300", kind=UnitKind.COMMUNE))
    db.session.commit()
    return made


def rows():
    return db.session.scalar(select(func.count()).select_from(ScoreRow))


def september_and_october(runner, tmp_path):
    september = write_csv(tmp_path / "t9.csv", [
        record("Tỉnh Thái Nguyên", "H55", (17, 18, 11, 9, 20, 17), kind="1", rank=14),
        record("Sở Tư pháp", "H55.01", (15, 18, 10, 8, 17, 16), rank=500, as_text=True),
        record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), rank=900, ident=2)])
    october = write_csv(tmp_path / "t10.csv", [
        record("Tỉnh Thái Nguyên", "H55", (17.5, 18, 11, 9, 20, 17.8), kind="1", rank=12),
        record("So Tu Phap - tinh Thai Nguyen", "", (16, 19.5, 10, 8, 18, 17), rank=300,
               as_text=True),
        record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), rank=950, ident=2),
        record("Xã Phú Thượng", "H55.300", (15, 17, 11, 9, 19.25, 16), kind="3", rank=40,
               ident=3)])
    for path, period in ((september, "2025-09"), (october, "2025-10")):
        result = runner.invoke(args=["scorecard", "import", path, "--period", period])
        assert result.exit_code == 0, result.output


def test_import_then_show_prints_the_units_ranked_as_json(runner, units, tmp_path):
    september_and_october(runner, tmp_path)
    result = runner.invoke(args=["scorecard", "show", "--period", "2025-10", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["period"] == "2025-10"
    assert shown["province"]["total"] == 93.3 and shown["province"]["national_rank"] == 12
    by_code = {u["code"]: u for u in shown["units"]}
    assert by_code["H55.01"] == {
        "code": "H55.01", "name": "Sở Tư pháp", "total": 88.5, "national_rank": 300,
        "rank_in_province": 1, "groups": {"CKMB": 16, "TDGQ": 19.5, "CLGQ": 10, "TTTT": 8,
                                          "MDSH": 18, "MDHL": 17}}
    assert by_code["H55.02"]["rank_in_province"] == 2
    assert by_code["H55.300"]["rank_in_province"] == 1
    assert [u["code"] for u in shown["units"]] == ["H55.01", "H55.300", "H55.02"]
    table = runner.invoke(args=["scorecard", "show", "--period", "2025-10"])
    assert table.exit_code == 0
    assert [line.split() for line in table.output.splitlines()] == [
        ["1", "88.50", "300", "H55.01", "Sở", "Tư", "pháp"],
        ["1", "87.25", "40", "H55.300", "Xã", "Phú", "Thượng"],
        ["2", "69.00", "950", "H55.02", "Sở", "Y", "tế"]]


def test_a_refused_file_writes_nothing_and_dry_run_writes_nothing(runner, units, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [
        record("Sở Tư pháp", "H55.01", (15, 18, 10, 8, 17, 16), total=99),
        record("Sở Mới", "H55.77", (15, 18, 10, 8, 17, 16), ident=2)])
    result = runner.invoke(args=["scorecard", "import", bad, "--period", "2025-10"])
    assert result.exit_code != 0
    assert "Row 2: TONG_SCORE 99" in result.output and "Row 3: Unknown unit" in result.output
    assert rows() == 0
    good = write_csv(tmp_path / "good.csv", [record("Sở Tư pháp", "H55.01",
                                                    (15, 18, 10, 8, 17, 16))])
    result = runner.invoke(args=["scorecard", "import", good, "--period", "2025-Q3",
                                 "--dry-run"])
    assert result.exit_code == 0 and "nothing was written" in result.output
    assert rows() == 0


def test_create_units_and_a_bad_period(runner, units, tmp_path):
    new = write_csv(tmp_path / "new.csv", [record("Sở Mới", "H55.77", (15, 18, 10, 8, 17, 16))])
    result = runner.invoke(args=["scorecard", "import", new, "--period", "2025",
                                 "--create-units"])
    assert result.exit_code == 0, result.output
    assert rows() == 1
    result = runner.invoke(args=["scorecard", "import", new, "--period", "10/2025"])
    assert result.exit_code == 2 and "Write the period" in result.output
    result = runner.invoke(args=["scorecard", "show", "--period", "2024", "--json"])
    assert result.exit_code == 1 and "No score table" in result.output
