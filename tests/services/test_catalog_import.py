"""Import of the catalog and of usage figures: reading files, planning, writing, every error."""

import csv
import io
import unicodedata
import zipfile
from datetime import UTC, date, datetime

import pytest
from flask import current_app
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    AuditEvent,
    ClaimStatus,
    LevelChange,
    Service,
    ServiceUsage,
    Tier,
    UnitKind,
)
from taskforce.services import spreadsheets
from taskforce.services.catalog_import import (
    apply_catalog_import,
    apply_usage_import,
    plan_catalog_import,
    plan_usage_import,
)
from taskforce.services.errors import DomainError
from tests import factories

TODAY = date(2020, 11, 15)
NOW = datetime(2020, 11, 15, 3, 0, tzinfo=UTC)
VI_HEADER = ["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện",
             "Cấp thực hiện", "Mức độ", "Ngày đạt mức", "Phí, lệ phí"]
EN_HEADER = ["code", "name", "field", "unit", "tier", "level", "level date", "fee"]
TITLE = ["DANH MỤC THỦ TỤC HÀNH CHÍNH THỰC HIỆN DỊCH VỤ CÔNG TRỰC TUYẾN"]
TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows, delimiter=","):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=",", encoding="utf-8-sig"):
    return csv_text(rows, delimiter).encode(encoding)


def cp1258(text):
    """Encode as Windows-1258 does: base letters precomposed, tone marks combining."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


@pytest.fixture
def units(app):
    made = {
        "stp": factories.unit("Sở Tư pháp", code="STP"),
        "stttt": factories.unit("Sở Thông tin và Truyền thông", code="STTTT"),
        "babe": factories.unit("UBND huyện Ba Bể", kind=UnitKind.DISTRICT, code="BABE"),
    }
    db.session.commit()
    return made


def counts():
    return (db.session.scalar(select(func.count(Service.id))),
            db.session.scalar(select(func.count(LevelChange.id))),
            db.session.scalar(select(func.count(ServiceUsage.id))),
            db.session.scalar(select(func.count(AuditEvent.id))))


def catalog_plan(data, filename="file.xlsx", verified=True):
    return plan_catalog_import(db.session, data, filename, today=TODAY, verified=verified)


def import_catalog(data, filename="file.xlsx", verified=True, actor=None):
    plan = catalog_plan(data, filename, verified)
    assert plan.errors == []
    apply_catalog_import(db.session, plan, actor=actor, verified=verified, today=TODAY, now=NOW)
    db.session.commit()
    return plan


def service(code, unit):
    return db.session.scalar(select(Service).where(Service.code == code,
                                                   Service.unit_id == unit.id))


def history(svc):
    return db.session.scalars(select(LevelChange).where(LevelChange.service_id == svc.id)
                              .order_by(LevelChange.effective_on, LevelChange.id)).all()


def errors_of(data, filename="file.csv", verified=True):
    """The plan's errors, checking that planning wrote nothing."""
    before = counts()
    plan = catalog_plan(data, filename, verified)
    db.session.commit()
    assert counts() == before
    return plan.errors


# Reading files ---------------------------------------------------------------------------------

def test_xlsx_with_vietnamese_headers_below_a_title_adds_services(units):
    data = xlsx([TITLE, [], VI_HEADER,
                 [1, "1.000001", "Cấp phiếu lý lịch tư pháp", "Lý lịch tư pháp", "Sở Tư pháp",
                  "Cấp tỉnh", 4, datetime(2020, 9, 1), "Có"],
                 [2, "1.000002", "Đăng ký khai sinh", "Hộ tịch", "UBND huyện Ba Bể", "",
                  "Mức độ 3", None, "Không"]])
    plan = import_catalog(data)
    assert plan.header_row == 3
    assert [a.row for a in plan.additions] == [4, 5]
    first, second = service("1.000001", units["stp"]), service("1.000002", units["babe"])
    assert (first.level, first.tier, first.has_fee, first.field) == (4, Tier.PROVINCE, True,
                                                                      "Lý lịch tư pháp")
    assert (second.level, second.tier, second.has_fee) == (3, Tier.DISTRICT, False)
    assert second.name_key == "dang ky khai sinh"
    initial = history(first)
    assert [(c.from_level, c.to_level, c.effective_on, c.status, c.source) for c in initial] == [
        (None, 4, date(2020, 9, 1), ClaimStatus.VERIFIED, "initial")]
    assert history(second)[0].effective_on == TODAY


def test_csv_with_english_headers_semicolons_and_no_bom(units):
    data = csv_bytes([EN_HEADER, ["2.000001", "Cấp giấy phép in", "Xuất bản", "STTTT",
                                  "province", "Level 4", "2020-10-01", "no"]],
                     delimiter=";", encoding="utf-8")
    plan = import_catalog(data, "catalog.csv")
    assert plan.header_row == 1
    svc = service("2.000001", units["stttt"])
    assert (svc.level, svc.has_fee, history(svc)[0].effective_on) == (4, False, date(2020, 10, 1))


def test_csv_in_windows_1258_is_decoded_and_normalised(units):
    text = csv_text([TITLE, VI_HEADER, ["1", "3.000001", "Đăng ký kết hôn", "Hộ tịch",
                                        "UBND huyện Ba Bể", "Cấp huyện", "Mức 2", "", ""]])
    plan = import_catalog(cp1258(text), "catalog.csv")
    assert plan.header_row == 2
    svc = service("3.000001", units["babe"])
    assert svc.name == unicodedata.normalize("NFC", "Đăng ký kết hôn")
    assert svc.field == "Hộ tịch"


def test_tab_separated_utf16_as_excel_saves_unicode_text(units):
    data = csv_text([["Mã TTHC", "Tên TTHC", "Đơn vị", "Mức độ DVC"],
                     ["4.000001", "Thủ tục A", "Sở Tư pháp", "4"]], delimiter="\t")
    import_catalog(data.encode("utf-16"), "catalog.csv")
    assert service("4.000001", units["stp"]).level == 4


@pytest.mark.parametrize(("spelling", "level"), [
    ("4", 4), (4, 4), (4.0, 4), ("Mức độ 4", 4), ("Mức 4", 4), ("DVC mức độ 4", 4),
    ("DVCTT mức độ 4", 4), ("mức độ  4", 4), ("MỨC ĐỘ 4", 4), ("Muc do 4", 4), ("Level 4", 4),
    ("Toàn trình", 4), ("toàn trình", 4), ("TOAN TRINH", 4), ("DVCTT toàn trình", 4),
    ("DVC toàn trình", 4), ("Dịch vụ công trực tuyến toàn trình", 4),
    ("Một phần", 3), ("mot phan", 3), ("TT một phần", 3), ("DVCTT một phần", 3),
    ("Mức độ 3", 3), ("mức 2", 2), ("Cung cấp thông tin", 1)])
def test_levels_in_each_spelling(units, spelling, level):
    data = xlsx([["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ"],
                 ["5.000001", "Thủ tục B", "Sở Tư pháp", spelling]])
    import_catalog(data)
    assert service("5.000001", units["stp"]).level == level


@pytest.mark.parametrize("header", ["Mức độ", "Mức độ DVC", "Mức độ cung cấp DVCTT",
                                    "Hình thức cung cấp", "Loại DVCTT", "MỨC ĐỘ DVCTT",
                                    "Hinh thuc cung cap (*)", "level", "class"])
def test_the_class_column_under_each_header_officials_give_it(units, header):
    data = csv_bytes([["Mã TTHC", "Tên TTHC", "Cơ quan thực hiện", header],
                      ["5.000002", "Thủ tục E", "STP", "DVCTT một phần"]])
    import_catalog(data, "f.csv")
    assert service("5.000002", units["stp"]).level == 3


def test_information_only_leaves_a_level_1_or_2_service_as_it_is(units):
    two = factories.service(units["stp"], level=2, code="5.000003")
    one = factories.service(units["stp"], level=1, code="5.000004")
    four = factories.service(units["stp"], level=4, code="5.000005")
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "Hình thức cung cấp"],
                      ["5.000003", two.name, "STP", "Cung cấp thông tin"],
                      ["5.000004", one.name, "STP", "Cung cấp thông tin"],
                      ["5.000005", four.name, "STP", "Cung cấp thông tin"]])
    plan = catalog_plan(data, "f.csv")
    assert plan.unchanged == 2
    assert [(c.service.code, c.level) for c in plan.changes] == [("5.000005", 1)]
    # The old vocabulary names level 1 itself.
    data = csv_bytes([["code", "name", "unit", "level"], ["5.000003", two.name, "STP", "1"]])
    assert [c.level for c in catalog_plan(data, "f.csv").changes] == [1]


def test_an_unknown_class_is_an_error_on_its_row_and_nothing_is_written(units):
    svc = factories.service(units["stp"], level=3, code="5.000006")
    db.session.commit()
    data = xlsx([TITLE, ["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Loại DVCTT"],
                 ["5.000006", svc.name, "STP", "Toàn trình"],
                 ["5.000007", "Thủ tục F", "STP", "Toàn phần"],
                 ["5.000008", "Thủ tục G", "STP", "Mức độ 4 (một phần)"],
                 ["5.000009", "Thủ tục H", "STP", "DVCTT mức độ 5"]])
    errors = errors_of(data, "f.xlsx")
    assert [row for row, _m in errors] == [4, 5, 6]
    assert "Toàn phần" in errors[0][1] and "Toàn trình or Một phần" in errors[0][1]
    assert "Mức độ 4 (một phần)" in errors[1][1] and "DVCTT mức độ 5" in errors[2][1]
    db.session.refresh(svc)
    assert svc.level == 3


@pytest.mark.parametrize("written", ["so tu phap", "SỞ  TƯ PHÁP", " Sở Tư Pháp ", "stp",
                                     unicodedata.normalize("NFD", "Sở Tư pháp")])
def test_units_match_by_name_ignoring_accents_case_and_spacing_or_by_code(units, written):
    data = csv_bytes([["code", "name", "unit", "level"], ["6.000001", "Thủ tục C", written, 3]])
    import_catalog(data, "f.csv")
    assert service("6.000001", units["stp"]) is not None


def test_d_with_stroke_counts_as_d(app):
    unit = factories.unit("Sở Giáo dục và Đào tạo", code="SGDDT")
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "level"],
                      ["7.000001", "Thủ tục D", "So Giao duc va Dao tao", 3]])
    import_catalog(data, "f.csv")
    assert service("7.000001", unit) is not None


def test_existing_service_is_updated_and_its_level_change_dated_as_given(units):
    old = factories.service(units["stp"], level=3, code="9.000001", name="Tên cũ",
                            listed_on=date(2020, 1, 1))
    leader = factories.user(role="leader")
    db.session.commit()
    data = xlsx([["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện", "Mức độ",
                  "Ngày đạt mức", "Có thu phí"],
                 ["9.000001", "Tên mới", "Tư pháp", "Sở Tư pháp", "Mức độ 4", "20/10/2020", "x"]])
    plan = import_catalog(data, actor=leader)
    assert plan.additions == [] and len(plan.changes) == 1
    db.session.refresh(old)
    assert (old.name, old.name_key, old.field, old.has_fee, old.level) == (
        "Tên mới", "ten moi", "Tư pháp", True, 4)
    change = history(old)[-1]
    assert (change.from_level, change.to_level, change.effective_on, change.source,
            change.status, change.verified_by_id, change.verified_at) == (
        3, 4, date(2020, 10, 20), "import", ClaimStatus.VERIFIED, leader.id, NOW)
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "catalog.import"))
    assert event_.actor_id == leader.id
    assert event_.changes == {"added": 0, "updated": 1, "level_changes": 1, "verified": True}


def test_unverified_import_records_a_pending_claim_and_keeps_the_level(units):
    old = factories.service(units["stp"], level=3, code="9.000002")
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "level"], ["9.000002", old.name, "STP", 4]])
    plan = import_catalog(data, "f.csv", verified=False)
    db.session.refresh(old)
    assert old.level == 3
    change = history(old)[-1]
    assert (change.status, change.effective_on, change.source) == (
        ClaimStatus.PENDING, TODAY, "import")
    assert plan.changes[0].level == 4


def test_unverified_import_refuses_a_service_with_a_claim_already_pending(units):
    old = factories.service(units["stp"], level=3, code="9.000003")
    factories.level_change(old, 4, date(2020, 10, 1), status=ClaimStatus.PENDING)
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "level"], ["9.000003", old.name, "STP", 4]])
    errors = errors_of(data, verified=False)
    assert [row for row, _m in errors] == [2]
    assert "awaiting verification" in errors[0][1]


def test_a_verified_change_older_than_the_latest_keeps_the_current_level(units):
    svc = factories.service(units["stp"], level=3, code="9.000004", listed_on=date(2020, 1, 1))
    factories.level_change(svc, 4, date(2020, 10, 1))
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "level", "level date"],
                      ["9.000004", svc.name, "STP", 2, "01/05/2020"]])
    import_catalog(data, "f.csv")
    db.session.refresh(svc)
    assert svc.level == 4
    assert history(svc)[1].to_level == 2


def test_a_row_equal_to_the_database_is_unchanged(units):
    svc = factories.service(units["stp"], level=3, code="9.000005")
    db.session.commit()
    data = csv_bytes([["code", "name", "unit", "level"], ["9.000005", svc.name, "STP", 3]])
    plan = catalog_plan(data, "f.csv")
    assert (plan.unchanged, plan.additions, plan.changes, plan.has_work) == (1, [], [], False)


def test_same_code_in_two_units_is_two_services(units):
    data = csv_bytes([["code", "name", "unit", "level"], ["10.1", "Thủ tục", "STP", 3],
                      ["10.1", "Thủ tục", "BABE", 4]])
    import_catalog(data, "f.csv")
    assert service("10.1", units["stp"]).level == 3
    assert service("10.1", units["babe"]).level == 4


# Errors: each with its row number, and nothing written -----------------------------------------

def test_every_row_error_is_listed_with_its_row_number_and_nothing_is_written(units):
    factories.service(units["stp"], level=3, code="EXIST")
    db.session.commit()
    data = xlsx([TITLE, VI_HEADER,
                 [1, "A.1", "Đúng", "", "Sở Tư pháp", "", 3, None, ""],
                 [2, "A.2", "Đơn vị lạ", "", "Sở Không Có", "", 3, None, ""],
                 [3, "A.1", "Trùng mã", "", "STP", "", 4, None, ""],
                 [4, None, "Thiếu mã", "", "Sở Tư pháp", "", 3, None, ""],
                 [5, "A.5", "Mức chữ", "", "Sở Tư pháp", "", "cao", None, ""],
                 [6, "A.6", "Mức 5", "", "Sở Tư pháp", "", "Mức độ 5", None, ""],
                 [7, "A.7", "Ngày tương lai", "", "Sở Tư pháp", "", 4, "01/01/2021", ""],
                 [8, "A.8", "Ngày sai", "", "Sở Tư pháp", "", 4, "31/02/2020", ""],
                 [9, "A.9", "Phí lạ", "", "Sở Tư pháp", "", 4, None, "có lẽ"],
                 [10, "A.10", "Cấp lạ", "", "Sở Tư pháp", "Trung ương", 4, None, ""],
                 [11, "A.11", None, "", None, "", None, None, ""],
                 [12, "EXIST", "Cập nhật hợp lệ", "", "STP", "", 4, None, ""]])
    errors = errors_of(data, "f.xlsx")
    by_row = {}
    for row, message in errors:
        by_row.setdefault(row, []).append(message)
    assert sorted(by_row) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "Sở Không Có" in by_row[4][0]
    assert "row 3" in by_row[5][0] and "A.1" in by_row[5][0]
    assert "code" in by_row[6][0]
    assert "cao" in by_row[7][0]
    assert "5" in by_row[8][0]
    assert "future" in by_row[9][0]
    assert "31/02/2020" in by_row[10][0]
    assert "có lẽ" in by_row[11][0]
    assert "Trung ương" in by_row[12][0]
    assert len(by_row[13]) == 3


def test_a_row_missing_name_unit_and_level_gets_three_messages(units):
    data = csv_bytes([["code", "name", "unit", "level"], ["X.1", "", "", ""]])
    errors = errors_of(data)
    assert [row for row, _m in errors] == [2, 2, 2]
    assert any("name" in m for _r, m in errors)
    assert any("unit" in m for _r, m in errors)
    assert any("level" in m for _r, m in errors)


def test_a_valid_row_is_not_written_when_another_row_has_an_error(units):
    data = csv_bytes([["code", "name", "unit", "level"], ["OK.1", "Tốt", "STP", 4],
                      ["BAD.1", "Xấu", "STP", "bốn"]])
    plan = catalog_plan(data, "f.csv")
    assert plan.errors == [(3, plan.errors[0][1])]
    with pytest.raises(DomainError):
        apply_catalog_import(db.session, plan, actor=None, verified=True, today=TODAY, now=NOW)
    db.session.rollback()
    assert counts() == (0, 0, 0, 0)


def test_too_long_texts_are_row_errors(units):
    data = csv_bytes([["code", "name", "unit", "level"], ["C" * 61, "N", "STP", 3],
                      ["C.2", "N" * 2001, "STP", 3]])
    errors = errors_of(data)
    assert [row for row, _m in errors] == [2, 3]
    assert "2,000" in errors[1][1]


@pytest.mark.parametrize(("data", "filename", "words"), [
    (b"", "empty.csv", "empty"),
    (b"  \r\n \n", "blank.csv", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", ".xls"),
    (b"PK\x03\x04 this is no zip", "broken.xlsx", "not a spreadsheet"),
    (b"Hello,\nthis is a letter, not a table.\n", "letter.csv", "header row"),
    ("Mã thủ tục,Tên thủ tục,Cơ quan thực hiện,Mức độ\n".encode(), "header.csv", "no data"),
    ("Mã thủ tục,Tên thủ tục\nX,Y\n".encode(), "columns.csv", "lacks these columns"),
])
def test_files_that_cannot_be_imported_give_a_clear_message(units, data, filename, words):
    before = counts()
    with pytest.raises(DomainError) as caught:
        catalog_plan(data, filename)
    assert words in caught.value.message
    assert caught.value.field == "file"
    assert counts() == before


def test_a_word_document_is_not_a_spreadsheet(units):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(DomainError, match="not a spreadsheet"):
        catalog_plan(buffer.getvalue(), "letter.xlsx")


def test_a_workbook_with_broken_xml_is_not_a_spreadsheet(units):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types")
        archive.writestr("xl/workbook.xml", "<<<")
    with pytest.raises(DomainError, match="not a spreadsheet"):
        catalog_plan(buffer.getvalue(), "broken.xlsx")


def test_limits_on_rows_size_and_unpacked_size(units, monkeypatch):
    rows = [["code", "name", "unit", "level"]] + [[f"R{n}", "T", "STP", 3] for n in range(30)]
    monkeypatch.setitem(current_app.config, "IMPORT_MAX_ROWS", 20)
    with pytest.raises(DomainError, match="too many rows: at most 20 rows"):
        catalog_plan(csv_bytes(rows), "many.csv")
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 100)
    with pytest.raises(DomainError, match="too large"):
        catalog_plan(csv_bytes(rows), "big.csv")
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 10_000_000)
    monkeypatch.setattr(spreadsheets, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(DomainError, match="too large once unpacked"):
        catalog_plan(xlsx(rows[:5]), "bomb.xlsx")


def test_planning_uses_a_fixed_number_of_queries(units, count_queries):
    def queries_for(n):
        rows = [["code", "name", "unit", "level"]] + [
            [f"Q{i}", f"Thủ tục {i}", ("STP", "BABE", "STTTT")[i % 3], 3] for i in range(n)]
        with count_queries() as queries:
            plan = catalog_plan(csv_bytes(rows), "q.csv")
        assert plan.ok
        return queries.count

    assert queries_for(5) == queries_for(120)


# Usage figures ---------------------------------------------------------------------------------

@pytest.fixture
def catalog(units):
    services = {
        "stp": factories.service(units["stp"], code="U.1"),
        "shared_stp": factories.service(units["stp"], code="U.2"),
        "shared_babe": factories.service(units["babe"], code="U.2"),
    }
    db.session.commit()
    return services


def usage_plan(data, filename="usage.csv"):
    return plan_usage_import(db.session, data, filename, today=TODAY)


def test_usage_import_adds_and_replaces_monthly_figures(catalog):
    factories.usage(catalog["stp"], date(2020, 8, 1), total=5, online=1)
    db.session.commit()
    data = xlsx([["Tháng", "Mã thủ tục", "Cơ quan thực hiện", "Tổng số hồ sơ",
                  "Hồ sơ trực tuyến", "Thanh toán trực tuyến"],
                 ["08/2020", "U.1", None, 10, 6, 2],
                 [datetime(2020, 9, 1), "U.1", None, "1.234", "1,200", 0],
                 ["2020-10", "U.2", "UBND huyện Ba Bể", 7, 7, 7]])
    plan = usage_plan(data, "usage.xlsx")
    assert plan.errors == []
    assert [f.row for f in plan.additions] == [3, 4] and [f.row for f in plan.changes] == [2]
    apply_usage_import(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    rows = db.session.execute(select(ServiceUsage.service_id, ServiceUsage.month,
                                     ServiceUsage.dossiers_total, ServiceUsage.dossiers_online,
                                     ServiceUsage.dossiers_paid_online)
                              .order_by(ServiceUsage.month)).all()
    assert [tuple(r) for r in rows] == [
        (catalog["stp"].id, date(2020, 8, 1), 10, 6, 2),
        (catalog["stp"].id, date(2020, 9, 1), 1234, 1200, 0),
        (catalog["shared_babe"].id, date(2020, 10, 1), 7, 7, 7)]
    assert db.session.scalar(select(AuditEvent.changes).where(
        AuditEvent.action == "usage.import")) == {"added": 2, "updated": 1}


def test_usage_import_with_english_headers_and_semicolons(catalog):
    data = csv_bytes([["month", "code", "dossiers total", "online", "paid online"],
                      ["Tháng 9/2020", "U.1", "3", "2", ""]], delimiter=";")
    plan = usage_plan(data)
    assert plan.errors == [] and plan.additions[0].paid_online == 0


def test_usage_errors_are_listed_by_row_and_nothing_is_written(catalog):
    data = csv_bytes([["Tháng", "Mã thủ tục", "Đơn vị", "Tổng số hồ sơ", "Hồ sơ trực tuyến",
                       "Thanh toán trực tuyến"],
                      ["08/2020", "NOPE", "", 1, 0, 0],
                      ["08/2020", "U.2", "", 1, 0, 0],
                      ["08/2020", "U.1", "", 5, 6, 0],
                      ["09/2020", "U.1", "", 5, 4, 5],
                      ["10/2020", "U.1", "", -1, 0, 0],
                      ["11/2020", "U.1", "", "nhiều", 0, 0],
                      ["12/2020", "U.1", "", 1, 0, 0],
                      ["13/2020", "U.1", "", 1, 0, 0],
                      ["07/2020", "U.1", "", 1, 0, 0],
                      ["07/2020", "U.1", "", 2, 0, 0],
                      ["07/2020", "U.2", "Sở Lạ", 2, 0, 0],
                      ["07/2020", "U.2", "", "", 0, 0]])
    before = counts()
    plan = usage_plan(data)
    assert [row for row, _m in plan.errors] == [2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 13]
    messages = dict(plan.errors)
    assert "NOPE" in messages[2]
    assert "Several units" in messages[3] and "UBND huyện Ba Bể" in messages[3]
    assert "more than the total" in messages[4]
    assert "more than the online" in messages[5]
    assert "-1" in messages[6]
    assert "nhiều" in messages[7]
    assert "future" in messages[8]
    assert "13/2020" in messages[9]
    assert "row 10" in messages[11]
    assert "Sở Lạ" in messages[12]
    assert counts() == before


@pytest.mark.parametrize("header", ["Số hồ sơ số hóa", "Hồ sơ được số hóa", "Số hóa",
                                    "SỐ HỒ SƠ ĐƯỢC SỐ HÓA", "so ho so so hoa", "digitised"])
def test_usage_import_reads_digitised_dossiers_under_each_header(catalog, header):
    data = csv_bytes([["Tháng", "Mã thủ tục", "Tổng số hồ sơ", "Hồ sơ trực tuyến", header],
                      ["08/2020", "U.1", 10, 4, 7], ["09/2020", "U.1", 10, 4, ""]])
    plan = usage_plan(data)
    assert plan.errors == []
    apply_usage_import(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    assert db.session.execute(select(ServiceUsage.month, ServiceUsage.dossiers_digitised)
                              .order_by(ServiceUsage.month)).all() == [
        (date(2020, 8, 1), 7), (date(2020, 9, 1), None)]


def test_digitised_dossiers_left_blank_or_out_keep_what_was_imported(catalog):
    factories.usage(catalog["stp"], date(2020, 8, 1), total=10, online=4, digitised=6)
    factories.usage(catalog["stp"], date(2020, 9, 1), total=10, online=4, digitised=6)
    db.session.commit()
    without = csv_bytes([["Tháng", "Mã thủ tục", "Tổng số hồ sơ", "Hồ sơ trực tuyến"],
                         ["08/2020", "U.1", 10, 4], ["09/2020", "U.1", 12, 4]])
    plan = usage_plan(without)
    assert plan.unchanged == 1 and [f.row for f in plan.changes] == [3]
    apply_usage_import(db.session, plan, actor=None, now=NOW)
    changed = csv_bytes([["Tháng", "Mã thủ tục", "Tổng số hồ sơ", "Hồ sơ trực tuyến",
                          "Hồ sơ được số hóa"], ["08/2020", "U.1", 10, 4, 9]])
    plan = usage_plan(changed)
    assert [f.row for f in plan.changes] == [2]
    apply_usage_import(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    assert db.session.execute(select(ServiceUsage.dossiers_total, ServiceUsage.dossiers_digitised)
                              .order_by(ServiceUsage.month)).all() == [(10, 9), (12, 6)]


def test_bad_digitised_figures_are_row_errors_and_nothing_is_written(catalog):
    data = csv_bytes([["Tháng", "Mã thủ tục", "Tổng số hồ sơ", "Hồ sơ trực tuyến",
                       "Số hồ sơ số hóa"],
                      ["08/2020", "U.1", 10, 4, 3],
                      ["09/2020", "U.1", 10, 4, 11],
                      ["10/2020", "U.1", 10, 4, "nhiều"],
                      ["11/2020", "U.1", 10, 4, -2]])
    before = counts()
    plan = usage_plan(data)
    assert [row for row, _m in plan.errors] == [3, 4, 5]
    messages = dict(plan.errors)
    assert "Digitised dossiers (11) cannot be more than the total (10)" in messages[3]
    assert "nhiều" in messages[4] and "-2" in messages[5]
    with pytest.raises(DomainError):
        apply_usage_import(db.session, plan, actor=None, now=NOW)
    db.session.rollback()
    assert counts() == before


def test_usage_file_without_its_columns_is_refused(catalog):
    with pytest.raises(DomainError, match="Tổng số hồ sơ"):
        usage_plan(csv_bytes([["Tháng", "Mã thủ tục", "Hồ sơ trực tuyến"], ["08/2020", "U.1",
                                                                            "1"]]))


# The sample files ------------------------------------------------------------------------------

SAMPLE_UNITS = [("Sở Thông tin và Truyền thông", UnitKind.DEPARTMENT),
                ("Sở Tư pháp", UnitKind.DEPARTMENT), ("Sở Kế hoạch và Đầu tư", UnitKind.DEPARTMENT),
                ("UBND huyện Ba Bể", UnitKind.DISTRICT),
                ("UBND thành phố Bắc Kạn", UnitKind.CITY)]


@pytest.fixture
def sample_units(app):
    made = [factories.unit(name, kind=kind) for name, kind in SAMPLE_UNITS]
    db.session.commit()
    return made


@pytest.mark.parametrize("name", ["catalog-sample.xlsx", "catalog-sample.csv"])
def test_the_sample_catalog_files_import_cleanly(sample_units, name):
    with open(f"samples/{name}", "rb") as handle:
        data = handle.read()
    plan = import_catalog(data, name)
    assert (plan.header_row, len(plan.additions)) == (3, 13)
    assert db.session.scalar(select(func.count(Service.id)).where(Service.level == 4)) == 5


def test_the_sample_usage_file_imports_after_the_sample_catalog(sample_units):
    with open("samples/catalog-sample.csv", "rb") as handle:
        import_catalog(handle.read(), "catalog-sample.csv")
    with open("samples/usage-sample.csv", "rb") as handle:
        plan = usage_plan(handle.read(), "usage-sample.csv")
    assert plan.errors == [] and len(plan.additions) == 18


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
