"""Reading spreadsheets: header rows found by any import's columns, cells parsed, errors by row."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from taskforce.services import spreadsheets
from taskforce.services.catalog_import.sheets import COLUMNS
from taskforce.services.errors import DomainError
from taskforce.services.spreadsheets import CellError, Columns, RowErrors, read_table
from tests.services.test_catalog_import import TITLE, csv_bytes, xlsx

TODAY = date(2020, 11, 15)
# A kind of sheet of another import: a unit's score, recognised by its unit column.
SCORES = Columns({"unit": ("don vi", "unit"), "score": ("diem", "score"),
                  "rank": ("xep hang", "rank")},
                 anchor="unit", labels={"unit": "Đơn vị / unit", "score": "Điểm / score"},
                 no_header=_l("No header row."))


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield


def test_column_numbering_row_and_blank_rows_are_skipped():
    data = csv_bytes([TITLE, [], ["Mã thủ tục", "Tên thủ tục", "Đơn vị", "Mức độ"],
                      ["(1)", "(2)", "(3)", "(4)"], [], ["8.000001", "Thủ tục E", "STP", "3"],
                      ["", "", "", ""]])
    table = read_table(data, COLUMNS)
    assert table.header_row == 3
    assert [r.number for r in table.rows] == [6]


def test_the_header_row_is_found_by_the_columns_of_the_import():
    data = xlsx([["BẢNG ĐIỂM"], ["STT", "Đơn vị", "Điểm (100)", "Ghi chú"],
                 [1, "Sở Tư pháp", 87.5, "x"], [2, "UBND huyện Ba Bể", 90, None]])
    table = read_table(data, SCORES, required=("unit", "score"))
    assert table.header_row == 2
    assert [(r.number, r.values) for r in table.rows] == [
        (3, {"unit": "Sở Tư pháp", "score": 87.5}),
        (4, {"unit": "UBND huyện Ba Bể", "score": 90})]


def test_a_sheet_without_the_anchor_column_or_a_required_one_is_refused():
    with pytest.raises(DomainError, match="No header row") as caught:
        read_table(csv_bytes([["Điểm", "Xếp hạng"], ["1", "2"]]), SCORES)
    assert caught.value.field == "file"
    with pytest.raises(DomainError, match="row 1.*Điểm / score"):
        read_table(csv_bytes([["Đơn vị", "Xếp hạng"], ["STP", "2"]]), SCORES,
                   required=("unit", "score"))


def test_the_delimiter_that_makes_the_best_header_wins():
    data = csv_bytes([["Đơn vị", "Điểm (trên 100, làm tròn)", "Xếp hạng"], ["STP", "87,5", "1"]],
                     delimiter=";")
    table = read_table(data, SCORES)
    assert table.rows[0].values == {"unit": "STP", "score": "87,5", "rank": "1"}


def test_a_cell_too_long_is_a_problem_of_its_row_and_column():
    long = "x" * (spreadsheets.MAX_CELL_CHARS + 1)
    [row] = read_table(csv_bytes([["unit", "score"], ["STP", long]]), SCORES).rows
    assert row.values == {"unit": "STP", "score": None}
    assert "under score" in row.problems["score"]


def test_parse_cells_skips_unreadable_cells_and_collects_every_problem():
    row = spreadsheets.Row(7, {"a": "1", "b": "x", "c": "long"}, {"c": "too long"})
    values, problems = spreadsheets.parse_cells(row, (
        ("a", "a", lambda: spreadsheets.parse_count("1", label="A")),
        ("b", "b", lambda: spreadsheets.parse_count("x", label="B")),
        ("c", "c", lambda: pytest.fail("an unreadable cell is not parsed")),
    ))
    assert values == {"a": 1}
    assert problems == ["B must be a whole number of zero or more, not \"x\"."]
    errors = RowErrors()
    errors.add(row, *problems, "another")
    assert errors == [(7, problems[0]), (7, "another")]


@pytest.mark.parametrize(("value", "expected"), [
    (3, 3), (3.0, 3), ("1.234", 1234), ("1,234", 1234), ("1 234", 1234), ("0", 0)])
def test_counts(value, expected):
    assert spreadsheets.parse_count(value, label="N") == expected


@pytest.mark.parametrize("value", [-1, 2.5, "nhiều", "12.34", True])
def test_bad_counts(value):
    with pytest.raises(CellError, match="whole number"):
        spreadsheets.parse_count(value, label="N")


@pytest.mark.parametrize(("value", "expected"), [
    ("08/2020", date(2020, 8, 1)), ("2020-08", date(2020, 8, 1)),
    ("Tháng 8/2020", date(2020, 8, 1)), (datetime(2020, 9, 15), date(2020, 9, 1)),
    ("15/10/2020", date(2020, 10, 1))])
def test_months(value, expected):
    assert spreadsheets.parse_month(value, today=TODAY) == expected


@pytest.mark.parametrize(("value", "words"), [
    ("", "missing"), ("13/2020", "not understood"), ("12/2020", "future")])
def test_bad_months(value, words):
    with pytest.raises(CellError, match=words):
        spreadsheets.parse_month(value, today=TODAY)


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("", None), ("01/10/2020", date(2020, 10, 1)), ("2020-10-01", date(2020, 10, 1)),
    ("2020-10-01 08:00:00", date(2020, 10, 1)), (44105, date(2020, 10, 1)),
    (datetime(2020, 10, 1, 8), date(2020, 10, 1))])
def test_dates(value, expected):
    assert spreadsheets.parse_date(value, today=TODAY, label="The date") == expected


@pytest.mark.parametrize(("value", "words"), [
    ("31/02/2020", "not a date"), (12, "not a date"), ("01/01/2021", "in the future")])
def test_bad_dates(value, words):
    with pytest.raises(CellError, match=words):
        spreadsheets.parse_date(value, today=TODAY, label="The date")


@pytest.mark.parametrize(("value", "expected"), [
    ("Có", True), ("x", True), (1, True), (True, True), ("Không", False), ("", False),
    (0, False), (None, False), ("có lẽ", None)])
def test_yes_or_no(value, expected):
    assert spreadsheets.yes_or_no(value) is expected


@pytest.mark.parametrize("value", ["0", "Mức 5", "3,5", "cao"])
def test_bad_levels(value):
    with pytest.raises(CellError, match="level"):
        spreadsheets.parse_level(value)


def test_texts_and_file_names_are_cleaned():
    assert spreadsheets.text(12.0) == "12"
    assert spreadsheets.text(datetime(2020, 10, 1, 8)) == "2020-10-01"
    assert spreadsheets.header_key("Mã TTHC (bắt buộc)") == "ma tthc"
    assert spreadsheets.display_name("C:\\Users\\a\\Danh mục.xlsx") == "Danh mục.xlsx"
