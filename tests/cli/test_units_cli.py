"""``flask units reorganise``: a sheet of reorganisations, recorded all or nothing."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Reorganisation, Service, Unit, UnitKind
from tests import factories

HEADER = "effective_on,change,from_codes,to_code,to_name,basis\n"


@pytest.fixture
def districts(app):
    a = factories.unit("Huyện A", kind=UnitKind.DISTRICT, code="HA", started_on=date(2020, 1, 1))
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, code="HB")
    for unit in (a, b):
        for code in ("1.001", "1.002"):
            factories.service(unit, code=code)
    db.session.commit()
    return a, b


def write(tmp_path, content, name="reorganisation.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def run(runner, path, *args):
    return runner.invoke(args=["units", "reorganise", path, "--today", "2021-03-01", *args])


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_merger_from_a_csv_file_and_its_dry_run(runner, districts, tmp_path):
    path = write(tmp_path, HEADER + "01/01/2021,merge,HA;HB,HAB,Huyện A-B,Nghị quyết 1\n")
    result = run(runner, path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Row 2: merge HA, HB → HAB on 01/01/2021" in result.output
    assert count(Reorganisation) == 0
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "Recorded: 1 reorganisations." in result.output
    new = db.session.scalar(select(Unit).where(Unit.code == "HAB"))
    assert db.session.scalar(select(func.count()).where(Service.unit_id == new.id)) == 4


def test_a_split_from_an_xlsx_file(runner, districts, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh sách sắp xếp đơn vị"])
    sheet.append(["effective_on", "change", "from_codes", "to_code", "to_name", "basis",
                  "service_codes"])
    sheet.append([date(2021, 1, 1), "split", "HA", "XA1", "Xã A1", "NQ 2", "1.001"])
    sheet.append([date(2021, 1, 1), "split", "HA", "XA2", "Xã A2", "NQ 2", "1.002"])
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "split.xlsx"
    path.write_bytes(data.getvalue())
    result = run(runner, str(path))
    assert result.exit_code == 0, result.output
    assert count(Reorganisation) == 1
    for code in ("XA1", "XA2"):
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        assert db.session.scalar(select(func.count()).where(Service.unit_id == unit.id)) == 1


@pytest.mark.parametrize(("rows", "message"), [
    ("01/01/2021,merge,HA;HX,HAB,Huyện A-B,NQ\n", "Row 2: Unknown unit code HX."),
    ("01/12/2019,merge,HA;HB,HAB,Huyện A-B,NQ\n", "Row 2: HA began on 01/01/2020"),
    ("01/01/2021,merge,HA;HB,HAB,Huyện A-B,NQ\n01/01/2021,merge,HB;HAB,HC,Huyện C,NQ\n",
     "Row 3: HB is already reorganised on 01/01/2021"),
    ("01/01/2021,split,HA,XA1,Xã A1,NQ,1.001\n01/01/2021,split,HA,XA2,Xã A2,NQ,\n",
     "Row 2: The split leaves services of Huyện A unassigned: 1.002."),
    ("01/01/2021,rename,HA,HB,Huyện B mới,NQ\n", "Row 2: The code HB is already used"),
    ("31/02/2021,merge,HA;HB,HAB,Huyện A-B,NQ\n", "Row 2: effective_on “31/02/2021” is not"),
    ("01/01/2021,fold,HA,HB,,NQ\n", "Row 2: The change must be rename, merge, split or"),
])
def test_each_bad_row_is_refused_by_its_number_and_nothing_is_written(runner, districts,
                                                                      tmp_path, rows, message):
    header = HEADER.replace("basis\n", "basis,service_codes\n")
    units = count(Unit)
    result = run(runner, write(tmp_path, header + rows))
    assert result.exit_code != 0
    assert message in result.output
    assert "nothing was imported" in result.output
    assert count(Reorganisation) == 0 and count(Unit) == units


def test_a_file_without_the_columns_is_refused(runner, districts, tmp_path):
    result = run(runner, write(tmp_path, "change,from_codes\nmerge,HA\n"))
    assert result.exit_code != 0 and "lacks these columns" in result.output
