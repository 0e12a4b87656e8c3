"""Imports read a bounded amount: columns per row, rows per sheet and cells, counted as they stream.

The issue's file: a 56 KB workbook whose one row holds millions of cells took the server from
192 MB to 804 MB for 10 s, since openpyxl builds a whole row before handing it over. It is now
refused after a few hundred cells, in milliseconds and without memory growing, on the import
page, the command line and the services; CSV files alike.
"""

import io
import json
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, LevelChange, Role, Service, ServiceUsage
from taskforce.services import catalog_import, spreadsheets
from taskforce.services.catalog_import.sheets import COLUMNS
from taskforce.services.errors import DomainError
from taskforce.services.sheet_limits import Limits
from tests import factories
from tests.services.test_catalog_import import csv_bytes, xlsx

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2020, 11, 15)
NOW = datetime(2020, 11, 15, 3, 0, tzinfo=UTC)
HEADER = ["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet(write_sheet, rows=(HEADER, ["1.1", "Thủ tục", "STP", 3])):
    """An openpyxl workbook of ``rows`` whose first sheet's XML ``write_sheet(member)`` writes."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx(rows))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w") as member:
                    write_sheet(member)
            else:
                target.writestr(item, source.read(item))
    return out.getvalue()


def row_bomb(cells=2_000_000):
    """The issue's sheet: a header row, then one row of ``cells`` cells, written by hand."""
    def write(member):
        member.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode())
        for n, title in enumerate(HEADER):
            member.write(f'<c r="{"ABCD"[n]}1" t="inlineStr"><is><t>{title}</t></is></c>'
                         .encode())
        member.write(b'</row><row r="2">')
        block = b"<c><v>1</v></c>" * 10_000
        for _ in range(cells // 10_000):
            member.write(block)
        member.write(b"</row></sheetData></worksheet>")
    return with_sheet(write)


def counts():
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (Service, LevelChange, ServiceUsage, AuditEvent))


@pytest.fixture
def unit(app):
    made = factories.unit("Sở Tư pháp", code="STP")
    db.session.commit()
    return made


def refused(data, kind="catalog"):
    """The message importing ``data`` is refused with; nothing is written."""
    before = counts()
    with pytest.raises(DomainError) as caught:
        catalog_import.import_file(db.session, kind, data, "tep", actor=None, verified=True,
                                   today=TODAY, now=NOW)
    assert caught.value.field == "file"
    assert counts() == before
    return caught.value.message


# The row of millions of cells -----------------------------------------------------------------

MEASURE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from taskforce.services import spreadsheets
from taskforce.services.catalog_import.sheets import COLUMNS
data = open(sys.argv[1], "rb").read()
import openpyxl  # loaded before the baseline, as in a server that has imported once
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
try:
    spreadsheets.read_table(data, COLUMNS)
    message = None
except Exception as error:
    message = str(error)
print(json.dumps({{"message": message, "seconds": time.monotonic() - started,
                   "grown_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
                   / 1024}}))
"""


def measured(data, tmp_path):
    """Read ``data`` in a fresh process: its message, seconds and peak memory growth in MB."""
    path = tmp_path / "tep"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", MEASURE.format(root=str(ROOT)), str(path)],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_a_56_kb_sheet_with_a_row_of_millions_of_cells_is_refused_at_once_in_little_memory(
        tmp_path):
    data = row_bomb()
    assert len(data) < 70 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size >= 30_000_000
    result = measured(data, tmp_path)
    print(f"\n{len(data) // 1024} KB, 2,000,000 cells in a row: {result}")
    assert result["message"] == "The file has too many columns: at most 200 columns."
    assert result["seconds"] < 2
    assert result["grown_mb"] < 100


def test_a_csv_row_of_millions_of_fields_is_refused_before_it_is_built(tmp_path):
    data = ("Mã thủ tục,Mức độ\r\n" + "ab," * 3_000_000 + "\r\n").encode()
    assert len(data) < spreadsheets.MAX_FILE_BYTES
    result = measured(data, tmp_path)
    print(f"\n{len(data) // 1024} KB CSV, 3,000,000 fields in a row: {result}")
    assert result["message"] == "The file has too many columns: at most 200 columns."
    assert result["grown_mb"] < 100


def test_the_row_bomb_is_refused_on_the_import_page_in_vietnamese(app, client, login_as, unit):
    login_as("leader")
    before = counts()
    started = time.monotonic()
    for kind in ("catalog", "usage"):
        response = client.post("/catalog/import", data={
            "kind": kind, "file": (io.BytesIO(row_bomb()), "danh-muc.xlsx")},
            content_type="multipart/form-data")
        assert response.status_code == 200
        assert "Tệp có quá nhiều cột: tối đa 200 cột." in response.text
    assert time.monotonic() - started < 10
    assert counts() == before
    imports = Path(app.config["INSTANCE_DIR"]) / "imports"
    assert not imports.exists() or list(imports.iterdir()) == []


def test_the_row_bomb_is_refused_by_the_command_line(app, runner, unit, tmp_path):
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(row_bomb())
    before = counts()
    result = runner.invoke(args=["catalog", "import", str(path)])
    assert result.exit_code != 0
    assert "200" in result.output
    assert counts() == before


# Each limit, in a workbook and in a CSV file, through both imports -----------------------------

def wide(columns):
    return [HEADER + [f"Cột {n}" for n in range(columns - len(HEADER))],
            ["1.1", "Thủ tục", "STP", 3] + ["x"] * (columns - len(HEADER))]


def long(rows):
    return [HEADER] + [[f"1.{n}", f"Thủ tục {n}", "STP", 3] for n in range(rows - 1)]


@pytest.fixture
def english(app):
    with force_locale("en"):
        yield


@pytest.mark.parametrize("kind", ["catalog", "usage"])
@pytest.mark.parametrize("shape", [xlsx, csv_bytes], ids=["xlsx", "csv"])
def test_too_many_columns(unit, english, shape, kind):
    assert refused(shape(wide(201)), kind) == \
        "The file has too many columns: at most 200 columns."
    current_app.config["IMPORT_MAX_COLUMNS"] = 10
    assert refused(shape(wide(11)), kind) == "The file has too many columns: at most 10 columns."


@pytest.mark.parametrize("kind", ["catalog", "usage"])
@pytest.mark.parametrize("shape", [xlsx, csv_bytes], ids=["xlsx", "csv"])
def test_too_many_rows(unit, english, shape, kind):
    current_app.config["IMPORT_MAX_ROWS"] = 50
    assert refused(shape(long(51)), kind) == "The file has too many rows: at most 50 rows."


@pytest.mark.parametrize("shape", [xlsx, csv_bytes], ids=["xlsx", "csv"])
def test_too_many_cells(unit, english, shape):
    current_app.config["IMPORT_MAX_CELLS"] = 1_000
    assert refused(shape(long(251))) == "The file has too many cells: at most 1,000 cells."


def test_at_the_limits_the_file_is_read(unit, english):
    current_app.config.update(IMPORT_MAX_COLUMNS=20, IMPORT_MAX_ROWS=30, IMPORT_MAX_CELLS=600)
    for data in (xlsx(wide(20) + long(29)[1:]), csv_bytes(wide(20) + long(29)[1:])):
        table = spreadsheets.read_table(data, COLUMNS)
        assert len(table.rows) == 29
    actor = factories.user(Role.LEADER)
    db.session.commit()
    before = counts()
    plan = catalog_import.import_file(db.session, "catalog", csv_bytes(long(30)), "tep",
                                      actor=actor, verified=True, today=TODAY, now=NOW)
    assert plan.ok and len(plan.additions) == 29
    db.session.commit()
    assert counts()[0] == before[0] + 29


def test_the_messages_are_in_vietnamese(unit):
    current_app.config.update(IMPORT_MAX_ROWS=100_000, IMPORT_MAX_CELLS=2_000_000)
    with force_locale("vi"):
        assert refused(xlsx(wide(201))) == "Tệp có quá nhiều cột: tối đa 200 cột."
        current_app.config["IMPORT_MAX_ROWS"] = 1_000
        assert refused(csv_bytes(long(1_001))).startswith(
            "Tệp có quá nhiều dòng: tối đa 1.000 dòng")
        current_app.config["IMPORT_MAX_CELLS"] = 3_000
        assert refused(csv_bytes(long(900))).startswith("Tệp có quá nhiều ô: tối đa 3.000 ô")


# What the counting must not get wrong ---------------------------------------------------------

def test_quoted_delimiters_and_line_breaks_are_inside_one_cell(english):
    note = "a, b; c\r\nd," * 150
    data = csv_bytes([HEADER, ["1.1", note, "STP", "3"]])
    table = spreadsheets.read_table(data, COLUMNS, limits=Limits(columns=4))
    assert len(table.rows) == 1
    assert table.rows[0].values["name"] == note.strip()


def test_a_quote_inside_an_unquoted_field_opens_nothing(english):
    """Python's csv reads ``a"b`` as a field with a quote in it, and so does the count."""
    data = ('Mã thủ tục,Mức độ\r\n1.1,3\r\nx"y' + ',a"' * 500 + "\r\n").encode()
    with pytest.raises(DomainError, match="too many columns: at most 200"):
        spreadsheets.read_table(data, COLUMNS)


def test_a_declared_dimension_of_the_whole_sheet_sizes_nothing(english):
    def write(member):
        member.write(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
                     '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã thủ tục</t></is></c>'
                     '<c r="B1" t="inlineStr"><is><t>Mức độ</t></is></c></row>'
                     '<row r="2"><c r="A2" t="inlineStr"><is><t>1.1</t></is></c>'
                     '<c r="B2"><v>3</v></c></row></sheetData></worksheet>'.encode())
    started = time.monotonic()
    table = spreadsheets.read_table(with_sheet(write), COLUMNS)
    assert time.monotonic() - started < 2
    assert [(row.number, row.values) for row in table.rows] == [
        (2, {"code": "1.1", "level": 3})]


def test_rows_under_another_prefix_are_counted_too(english):
    """A sheet may name the main namespace with a prefix; openpyxl reads it, so the count does."""
    def write(member):
        member.write(f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1">'.encode())
        member.write(b"<x:c><x:v>1</x:v></x:c>" * 5_000)
        member.write(b"</x:row></x:sheetData></x:worksheet>")
    with pytest.raises(DomainError, match="too many columns"):
        spreadsheets.read_table(with_sheet(write), COLUMNS)


def test_a_sheet_at_any_part_name_is_counted(english):
    """The workbook's relations may point a sheet anywhere: every part is counted."""
    data = row_bomb(50_000)
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            name = item.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/elsewhere/data.bin"
            elif name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"worksheets/sheet1.xml", b"elsewhere/data.bin")
            target.writestr(name, content)
    with pytest.raises(DomainError, match="too many columns"):
        spreadsheets.read_table(out.getvalue(), COLUMNS)


def test_shared_strings_are_bounded_by_the_cells_allowed(english):
    def strings(member):
        member.write(f'<sst xmlns="{MAIN}">'.encode())
        member.write(b"<si><t>x</t></si>" * 2_000)
        member.write(b"</sst>")
    data = with_sheet(lambda member: member.write(
        f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode()))
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        with target.open("xl/sharedStrings.xml", "w") as member:
            strings(member)
    with pytest.raises(DomainError, match="too large once unpacked"):
        spreadsheets.read_table(out.getvalue(), COLUMNS, limits=Limits(cells=4_000))
    # A quarter as many shared strings as cells allowed is a workbook like any other.
    with pytest.raises(DomainError, match="No header row"):
        spreadsheets.read_table(out.getvalue(), COLUMNS, limits=Limits(cells=8_000))


def test_every_child_of_a_row_counts_as_a_cell(english):
    """openpyxl reads every child of a row as a cell, whatever its name: so does the count."""
    def write(member):
        member.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode())
        member.write(b"<x/>" * 100_000)
        member.write(b"</row></sheetData></worksheet>")
    with pytest.raises(DomainError, match="too many columns"):
        spreadsheets.read_table(with_sheet(write), COLUMNS)


def test_a_cell_of_a_million_elements_is_refused(english):
    def write(member):
        member.write(f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1">'.encode())
        member.write(b"<v>1</v>" * 1_000_000)
        member.write(b"</c></row></sheetData></worksheet>")
    with pytest.raises(DomainError, match="too large once unpacked"):
        spreadsheets.read_table(with_sheet(write), COLUMNS)


def test_a_bloated_stylesheet_is_refused_before_openpyxl_reads_it(tmp_path):
    """Outside rows, openpyxl keeps every element: 3,000,000 number formats took 2.5 GB."""
    data = xlsx([HEADER, ["1.1", "Thủ tục", "STP", 3]])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/styles.xml":
                target.writestr(item, source.read(item))
                continue
            with target.open(item.filename, "w") as member:
                member.write(f'<styleSheet xmlns="{MAIN}"><numFmts>'.encode())
                for _ in range(300):
                    member.write(b'<numFmt numFmtId="200" formatCode="0"/>' * 10_000)
                member.write(b"</numFmts></styleSheet>")
    result = measured(out.getvalue(), tmp_path)
    assert result["message"] == ("The workbook is too large once unpacked; save only the sheet "
                                 "to import, or save it as CSV.")
    assert result["grown_mb"] < 100


def test_rich_text_and_a_real_stylesheet_are_read(english):
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(200):
        sheet.append([f"1.{n}", CellRichText(["Thủ tục ", TextBlock(InlineFont(b=True), str(n))]),
                      "STP", 3])
        sheet.cell(n + 2, 3).font = Font(bold=n % 2 == 0, size=10 + n % 7)
        sheet.cell(n + 2, 3).fill = PatternFill("solid", fgColor=f"{n:06X}")
    buffer = io.BytesIO()
    book.save(buffer)
    table = spreadsheets.read_table(buffer.getvalue(), COLUMNS)
    assert len(table.rows) == 200
    assert table.rows[7].values["name"] == "Thủ tục 7"


def test_a_table_of_two_million_shared_strings_is_refused_unread(tmp_path):
    """openpyxl keeps the shared strings whole: 1,990,000 of them (99 KB) took 51 s, 304 MB."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx([HEADER]))), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>"))
            target.writestr(item, content)
        with target.open("xl/sharedStrings.xml", "w") as member:
            member.write(f'<sst xmlns="{MAIN}">'.encode())
            for _ in range(199):
                member.write(b"<si><t>xyzw</t></si>" * 10_000)
            member.write(b"</sst>")
    result = measured(out.getvalue(), tmp_path)
    assert result["message"] == ("The workbook is too large once unpacked; save only the sheet "
                                 "to import, or save it as CSV.")
    assert result["seconds"] < 5 and result["grown_mb"] < 100
