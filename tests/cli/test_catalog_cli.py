"""``flask catalog import`` and ``flask usage import``."""

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, UnitKind
from tests import factories

HEADER = ["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ", "Ngày đạt mức"]


def write_csv(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return str(path)


def counts():
    return (db.session.scalar(select(func.count(Service.id))),
            db.session.scalar(select(func.count(LevelChange.id))),
            db.session.scalar(select(func.count(ServiceUsage.id))))


@pytest.fixture
def unit(app):
    made = factories.unit("Sở Tư pháp", code="STP")
    db.session.commit()
    return made


def run(runner, *args):
    result = runner.invoke(args=[*args, "--today", "2020-11-15"])
    db.session.rollback()
    return result


def test_dry_run_of_a_valid_file_reports_and_writes_nothing(runner, unit, tmp_path):
    path = write_csv(tmp_path / "c.csv", [HEADER, ["1.1", "Thủ tục A", "Sở Tư pháp", "4", ""],
                                          ["1.2", "Thủ tục B", "STP", "Mức độ 3", ""]])
    result = run(runner, "catalog", "import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 to add" in result.output and "Dry run" in result.output
    assert counts() == (0, 0, 0)


def test_import_writes_verified_levels(runner, unit, tmp_path):
    svc = factories.service(unit, level=3, code="1.1")
    db.session.commit()
    path = write_csv(tmp_path / "c.csv", [HEADER, ["1.1", svc.name, "STP", "4", "01/11/2020"],
                                          ["1.2", "Thủ tục B", "STP", "3", ""]])
    result = run(runner, "catalog", "import", path)
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated" in result.output
    db.session.refresh(svc)
    assert svc.level == 4
    change = db.session.scalar(select(LevelChange).where(LevelChange.source == "import"))
    assert (change.status, change.effective_on) == (ClaimStatus.VERIFIED, date(2020, 11, 1))
    added = db.session.scalar(select(Service).where(Service.code == "1.2"))
    assert added.level_changes[0].effective_on == date(2020, 11, 15)


def test_unverified_import_leaves_level_changes_pending(runner, unit, tmp_path):
    svc = factories.service(unit, level=3, code="1.1")
    db.session.commit()
    path = write_csv(tmp_path / "c.csv", [HEADER, ["1.1", svc.name, "STP", "4", ""]])
    result = run(runner, "catalog", "import", path, "--unverified")
    assert result.exit_code == 0, result.output
    db.session.refresh(svc)
    assert svc.level == 3
    assert db.session.scalar(select(LevelChange.status).where(
        LevelChange.source == "import")) == ClaimStatus.PENDING


def test_an_invalid_file_lists_row_errors_exits_non_zero_and_writes_nothing(runner, unit,
                                                                            tmp_path):
    path = write_csv(tmp_path / "c.csv", [["DANH MỤC"], HEADER,
                                          ["1.1", "Thủ tục A", "Sở Tư pháp", "4", ""],
                                          ["1.2", "Thủ tục B", "Sở Lạ", "3", ""],
                                          ["1.1", "Thủ tục A", "STP", "bốn", ""]])
    result = run(runner, "catalog", "import", path)
    assert result.exit_code != 0
    assert "Row 4:" in result.output and "Sở Lạ" in result.output
    assert "Row 5: The level" in result.output
    assert "Row 5: The code 1.1 for Sở Tư pháp is already on row 3." in result.output
    assert "nothing was imported" in result.output
    assert counts() == (0, 0, 0)


def test_a_file_that_is_not_a_spreadsheet_is_refused(runner, unit, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00")
    result = run(runner, "catalog", "import", str(path))
    assert result.exit_code != 0
    assert "not a spreadsheet" in result.output


def test_usage_import_and_its_dry_run(runner, unit, tmp_path):
    factories.service(unit, code="1.1")
    db.session.commit()
    path = write_csv(tmp_path / "u.csv", [["Tháng", "Mã thủ tục", "Tổng số hồ sơ",
                                           "Hồ sơ trực tuyến", "Thanh toán trực tuyến"],
                                          ["09/2020", "1.1", "20", "8", "3"]])
    result = run(runner, "usage", "import", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert counts()[2] == 0
    result = run(runner, "usage", "import", path)
    assert result.exit_code == 0, result.output
    assert counts()[2] == 1


def test_usage_errors_exit_non_zero(runner, unit, tmp_path):
    factories.service(unit, code="1.1")
    db.session.commit()
    path = write_csv(tmp_path / "u.csv", [["month", "code", "dossiers total", "online"],
                                          ["09/2020", "1.1", "2", "8"]])
    result = run(runner, "usage", "import", path)
    assert result.exit_code != 0
    assert "Row 2:" in result.output
    assert counts()[2] == 0


def test_the_sample_files_import_from_the_command_line(runner, app):
    for name, kind in [("Sở Thông tin và Truyền thông", UnitKind.DEPARTMENT),
                       ("Sở Tư pháp", UnitKind.DEPARTMENT),
                       ("Sở Kế hoạch và Đầu tư", UnitKind.DEPARTMENT),
                       ("UBND huyện Ba Bể", UnitKind.DISTRICT),
                       ("UBND thành phố Bắc Kạn", UnitKind.CITY)]:
        factories.unit(name, kind=kind)
    db.session.commit()
    result = run(runner, "catalog", "import", "samples/catalog-sample.xlsx")
    assert result.exit_code == 0, result.output
    result = run(runner, "usage", "import", "samples/usage-sample.csv")
    assert result.exit_code == 0, result.output
    assert counts() == (13, 13, 18)
    result = run(runner, "catalog", "import", "samples/catalog-sample.csv", "--dry-run")
    assert result.exit_code == 0 and "13 unchanged" in result.output


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
