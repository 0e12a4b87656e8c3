"""The 766 scorecard import: .xlsx with several sheets, JSON, matching, creating, refusing."""

import io
import json
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, ScoreRow, ScoreTable, Unit, UnitKind
from taskforce.services import scorecard
from taskforce.services.errors import DomainError
from tests import factories

NOW = datetime(2025, 11, 5, 3, 0, tzinfo=UTC)
OCTOBER = scorecard.parse_period("2025-10")
HEADER = ["ID", "TEN", "TEN_COQUAN", "MA_COQUAN", "LOAI_COQUAN", "CAPDONVIID", "ID_COQUAN",
          "TDGQ", "MDHL", "MDSH", "TTTT", "CLGQ", "CKMB", "TONG_SCORE", "ROW_STT"]


def record(name, code, groups, total=None, rank=1, kind="2", ident=1, as_text=False):
    """A portal row: groups as (CKMB, TDGQ, CLGQ, TTTT, MDSH, MDHL)."""
    ckmb, tdgq, clgq, tttt, mdsh, mdhl = groups
    total = round(sum(groups), 2) if total is None else total
    values = {"ID": ident, "TEN": name, "TEN_COQUAN": name, "MA_COQUAN": code,
              "LOAI_COQUAN": kind, "CAPDONVIID": kind, "ID_COQUAN": 1000 + ident,
              "TDGQ": tdgq, "MDHL": mdhl, "MDSH": mdsh, "TTTT": tttt, "CLGQ": clgq,
              "CKMB": ckmb, "TONG_SCORE": total, "ROW_STT": rank}
    if as_text:
        values = {k: str(v).replace(".", ",") if isinstance(v, float) else str(v)
                  for k, v in values.items()}
    return values


def workbook(sheets):
    """An .xlsx with a sheet per (title, records); a trend sheet added after them."""
    book = Workbook()
    book.remove(book.active)
    for title, records in sheets:
        sheet = book.create_sheet(title)
        sheet.append(["BẢNG ĐIỂM BỘ CHỈ SỐ 766"])
        sheet.append(HEADER)
        for item in records:
            sheet.append([item[key] for key in HEADER])
    trend = book.create_sheet("Xu hướng")
    trend.append(["TEN_COQUAN", "TONG_SCORE", "Tháng"])
    trend.append(["Sở Tư pháp", "85,5", "09/2025"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def units(app):
    justice = factories.unit(name="Sở Tư pháp", code="H55.01")
    health = factories.unit(name="Sở Y tế", code="H55.02")
    commune = factories.unit(name="Xã Phú Thượng", code="H55.300", kind=UnitKind.COMMUNE)
    db.session.commit()
    return justice, health, commune


@pytest.fixture(autouse=True)
def english(app):
    """The messages as written in the code (the catalog has them in Vietnamese too)."""
    with force_locale("en"):
        yield


def rows_count():
    return db.session.scalar(select(func.count()).select_from(ScoreRow))


def test_an_xlsx_of_several_sheets_is_imported_with_numbers_as_text(units):
    justice, health, commune = units
    data = workbook([
        ("Tỉnh", [record("Tỉnh Thái Nguyên", "H55", (17.5, 18, 11, 9, 20, 17.8), rank=12,
                         kind="1", as_text=True)]),
        ("Sở ngành", [record("Sở Tư pháp - tỉnh Thái Nguyên", "", (16, 19.5, 10, 8, 18, 17),
                             rank=300, as_text=True),
                      record("SỞ Y TẾ", "", (12, 14, 9, 6, 15, 13), rank=900, ident=2)]),
        ("Xã", [record("Xa Phu Thuong", "", (15, 17, 11, 9, 19.25, 16), rank=40, kind="3",
                       ident=3, as_text=True)]),
    ])
    plan = scorecard.plan_scorecard(db.session, data, "diem-766.xlsx", OCTOBER)
    assert plan.errors == []
    assert plan.sheets == ["Tỉnh", "Sở ngành", "Xã"]
    assert [e.unit for e in plan.entries] == [None, justice, health, commune]
    scorecard.apply_scorecard(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    table = db.session.scalar(select(ScoreTable))
    assert (table.period_kind, table.period_start) == ("month", date(2025, 10, 1))
    stored = {r.unit_id: r for r in table.rows}
    assert stored[justice.id].groups == {"CKMB": 16, "TDGQ": 19.5, "CLGQ": 10, "TTTT": 8,
                                         "MDSH": 18, "MDHL": 17}
    assert stored[justice.id].total == 88.5 and stored[justice.id].national_rank == 300
    assert stored[commune.id].mdsh == 19.25
    province = stored[None]
    assert province.is_province and province.total == 93.3 and province.code == "H55"
    assert db.session.scalar(select(AuditEvent.action)) == "scorecard.import"


def test_a_json_array_is_imported_and_a_second_import_replaces_the_period(units):
    justice, health, _commune = units
    first = [record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)),
             record("Sở Y tế", "h55.02", (12, 14, 9, 6, 15, 13), ident=2)]
    scorecard.import_scorecard(db.session, json.dumps(first).encode(), "t10.json", OCTOBER,
                               create_units=False, actor=None, now=NOW)
    db.session.commit()
    second = [record("Sở Tư pháp", "H55.01", (18, 20, 12, 10, 22, 18))]
    plan = scorecard.plan_scorecard(db.session, json.dumps(second).encode(), "t10b.json",
                                    OCTOBER)
    assert plan.replaces is not None
    scorecard.apply_scorecard(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ScoreTable)) == 1
    assert [(r.unit_id, r.total) for r in db.session.scalars(select(ScoreRow))] == [
        (justice.id, 100)]


def test_create_units_adds_the_missing_units_with_their_kind(units):
    items = [record("Sở Nội vụ - tỉnh Thái Nguyên", "H55.09", (16, 19, 10, 8, 18, 17)),
             record("Xã Tân Cương", "H55.301", (15, 17, 11, 9, 19, 16), kind="3", ident=2)]
    data = json.dumps(items, ensure_ascii=False).encode()
    refused = scorecard.plan_scorecard(db.session, data, "t.json", OCTOBER)
    assert [scorecard.place(w) for w, _m in refused.errors] == ["Object 1", "Object 2"]
    scorecard.import_scorecard(db.session, data, "t.json", OCTOBER, create_units=True,
                               actor=None, now=NOW)
    db.session.commit()
    made = {u.code: u for u in db.session.scalars(select(Unit).where(
        Unit.code.in_(["H55.09", "H55.301"])))}
    assert made["H55.09"].name == "Sở Nội vụ" and made["H55.09"].kind == UnitKind.DEPARTMENT
    assert made["H55.301"].kind == UnitKind.COMMUNE
    assert rows_count() == 2


@pytest.mark.parametrize("items, expected", [
    ([record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17), total=90)],
     "TONG_SCORE 90.0 is not the sum of the groups (88"),
    ([record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)) | {"MDSH": "mười"}],
     "MDSH must be a score from 0 to 100"),
    ([record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)),
      record("SO TU PHAP", "", (16, 19, 10, 8, 18, 17), ident=2)],
     "is already on Object 1"),
    ([record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)),
      record("Sở Không Có", "H55.99", (16, 19, 10, 8, 18, 17), ident=2)],
     "Unknown unit “Sở Không Có” (H55.99)"),
])
def test_each_bad_row_refuses_the_whole_file_and_writes_nothing(units, items, expected):
    data = json.dumps(items, ensure_ascii=False).encode()
    plan = scorecard.import_scorecard(db.session, data, "bad.json", OCTOBER,
                                      create_units=False, actor=None, now=NOW)
    db.session.commit()
    assert any(expected in message for _w, message in plan.errors), plan.errors
    assert rows_count() == 0
    assert db.session.scalar(select(func.count()).select_from(ScoreTable)) == 0
    with pytest.raises(DomainError):
        scorecard.apply_scorecard(db.session, plan, actor=None, now=NOW)


def test_a_bad_row_of_a_sheet_is_named_by_sheet_and_row(units):
    data = workbook([("Sở ngành", [record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)),
                                   record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13),
                                          total=70.5, ident=2)])])
    plan = scorecard.plan_scorecard(db.session, data, "t.xlsx", OCTOBER)
    assert [scorecard.place(where) for where, _m in plan.errors] == [
        "Sheet “Sở ngành”, row 4"]
    assert rows_count() == 0


def test_the_sum_may_differ_by_the_portals_rounding(units):
    items = [record("Sở Tư pháp", "H55.01", (16.33, 19.33, 10.33, 8, 18, 17), total=89.01)]
    plan = scorecard.plan_scorecard(db.session, json.dumps(items).encode(), "t.json", OCTOBER)
    assert plan.errors == []


def test_a_file_without_score_sheets_is_refused(units):
    book = Workbook()
    book.active.append(["TEN_COQUAN", "TONG_SCORE"])
    book.active.append(["Sở Tư pháp", "80"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DomainError, match="No score table was found"):
        scorecard.plan_scorecard(db.session, out.getvalue(), "t.xlsx", OCTOBER)
    with pytest.raises(DomainError, match="array of objects"):
        scorecard.plan_scorecard(db.session, b'[1, 2]', "t.json", OCTOBER)


@pytest.mark.parametrize("text, kind, start", [
    ("2025-10", "month", date(2025, 10, 1)), ("2025-Q3", "quarter", date(2025, 7, 1)),
    ("2025", "year", date(2025, 1, 1))])
def test_periods(app, text, kind, start):
    period = scorecard.parse_period(text)
    assert (period.kind, period.start, period.label) == (kind, start, text)


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "10/2025", "", "1999"])
def test_bad_periods_are_refused(app, text):
    with pytest.raises(DomainError, match="Write the period"):
        scorecard.parse_period(text)


@pytest.mark.parametrize("item, expected", [
    (record("Sở Mới", "H" * 41, (16, 19, 10, 8, 18, 17)), "at most 40 characters"),
    (record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17), rank=0), "ROW_STT must be a rank"),
    (record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17), rank=10**12),
     "ROW_STT must be a rank"),
    (record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)) | {"CKMB": "-1"}, "from 0 to 100"),
    (record("Sở Tư pháp", "H55.01", (16, 19, 10, 8, 18, 17)) | {"CKMB": True}, "from 0 to 100"),
])
def test_more_bad_rows_are_refused_with_nothing_written(units, item, expected):
    plan = scorecard.import_scorecard(db.session, json.dumps([item]).encode(), "t.json",
                                      OCTOBER, create_units=True, actor=None, now=NOW)
    assert any(expected in message for _w, message in plan.errors), plan.errors
    assert rows_count() == 0
    assert db.session.scalar(select(func.count()).select_from(Unit).where(
        Unit.name == "Sở Mới")) == 0


KEYS = ["ID", "TEN_COQUAN", "MA_COQUAN", "LOAI_COQUAN", "CKMB", "TDGQ", "CLGQ", "TTTT", "MDSH",
        "MDHL", "TONG_SCORE", "ROW_STT", "X"]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                   st.sampled_from(["Sở Tư pháp", "H55.01", "1", "3", "12,5", "1e3", "NaN",
                                    "-0", "１２"]),
                   st.lists(st.integers(), max_size=2), st.dictionaries(st.text(), st.none()))


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES), max_size=4),
       create=st.booleans())
def test_any_json_is_imported_or_refused_with_messages(units, items, create):
    data = json.dumps(items).encode()
    try:
        plan = scorecard.import_scorecard(db.session, data, "t.json", OCTOBER,
                                          create_units=create, actor=None, now=NOW)
    except DomainError as error:
        db.session.rollback()
        assert error.message and rows_count() == 0
        return
    if not plan.ok:
        assert all(message for _w, message in plan.errors) and rows_count() == 0
    db.session.rollback()
