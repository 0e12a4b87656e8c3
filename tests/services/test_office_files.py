"""Office files that look made by an office: the workbook conventions every export shares
(services/exports.py) and the Word report's page numbers, chart, tables and properties."""

import zipfile
from datetime import date, datetime
from io import BytesIO

from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook

from taskforce.extensions import db
from taskforce.models import Review
from taskforce.services import exports, kpi, official_docx, review_exports, reviews
from taskforce.services.tasks import Filters, export_workbook
from tests import factories
from tests.services.test_reviews import build_week, world  # noqa: F401 (the fixture)
from tests.sheets import first_row, table

LETTER = exports.Letterhead(issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"),
                            made_on=date(2020, 11, 20))


def _book(*sheets):
    return load_workbook(BytesIO(exports.workbook(list(sheets), LETTER)))


def test_a_sheet_has_a_title_block_a_filtered_frozen_header_and_print_setup():
    sheet = _book(exports.Sheet("Tasks", ["Task", "Due date", "Share", "Count"],
                                [["Một", date(2020, 11, 30), 0.3, 1200],
                                 ["Hai", None, 0.125, 3]],
                                title="Danh sách nhiệm vụ", period="Đến ngày 20/11/2020",
                                kinds={2: exports.PERCENT})).active
    assert [sheet.cell(row=r, column=1).value for r in range(1, 5)] == [
        "UBND TỈNH BẮC KẠN – Tổ công tác", "Danh sách nhiệm vụ", "Đến ngày 20/11/2020",
        "Made on 20/11/2020"]
    header = exports.header_row(sheet)
    assert header == 6 and table(sheet)[0] == ("Task", "Due date", "Share", "Count")
    assert sheet.freeze_panes == "A7"
    assert sheet.auto_filter.ref == "A6:D8"
    due, share, count = (sheet.cell(row=7, column=c) for c in (2, 3, 4))
    assert due.is_date and due.number_format == "DD/MM/YYYY" and due.value == datetime(2020, 11, 30)
    assert share.data_type == "n" and share.value == 0.3 and share.number_format == "0.00%"
    assert count.value == 1200 and count.number_format == "#,##0"
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9  # A4
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$6:$6"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["B"] >= 10 and widths["A"] < widths["B"] + 4


def test_column_widths_follow_the_content_and_long_text_wraps():
    long = "Nâng cấp dịch vụ công trực tuyến " * 4
    sheet = _book(exports.Sheet("T", ["No.", "Task"], [[1, "ngắn"], [2, long]])).active
    assert sheet.column_dimensions["A"].width < 12
    assert sheet.column_dimensions["B"].width == exports.WIDEST + 2
    assert sheet.cell(row=first_row(sheet) + 1, column=2).alignment.wrap_text


def test_a_per_cell_percent_in_a_column_of_counts():
    sheet = _book(exports.Sheet("S", ["Figure", "Value"], [["Services", 11],
                                                            ["Share", exports.Percent(0.2727)]])
                  ).active
    row = first_row(sheet)
    assert sheet.cell(row=row, column=2).number_format == "#,##0"
    assert sheet.cell(row=row + 1, column=2).number_format == "0.00%"
    assert sheet.cell(row=row + 1, column=2).value == 0.2727


def test_file_names_have_no_accents_or_spaces():
    assert exports.file_name("Sơ kết", "tháng 11/2020") == "so-ket-thang-11-2020.xlsx"
    assert exports.file_name("nhiệm vụ", "2020-11-20") == "nhiem-vu-2020-11-20.xlsx"
    assert exports.file_name("Đề xuất", extension="docx") == "de-xuat.docx"
    assert exports.disposition("so-ket.xlsx") == 'attachment; filename="so-ket.xlsx"'
    assert exports.disposition("sơ kết.xlsx") == (
        "attachment; filename=\"s_ k_t.xlsx\"; filename*=UTF-8''s%C6%A1%20k%E1%BA%BFt.xlsx")


def test_the_review_workbook_has_real_dates_and_shares(world):  # noqa: F811
    review = build_week()
    with force_locale("vi"):
        book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
    units = book["Đơn vị"] if "Đơn vị" in book.sheetnames else book.worksheets[1]
    header = exports.header_row(units)
    share = units.cell(row=header + 1, column=7)
    assert share.data_type == "n" and share.number_format == "0.00%" and 0 <= share.value <= 1
    extensions = book.worksheets[-1]
    granted = extensions.cell(row=first_row(extensions), column=4)
    assert granted.is_date and granted.number_format == "DD/MM/YYYY"
    assert all(ws.auto_filter.ref and ws.print_title_rows for ws in book.worksheets)
    assert "Tuần" in book.worksheets[0]["A2"].value or "tuần" in book.worksheets[0]["A2"].value
    names = {kind: review_exports.file_name(review, "xlsx") for kind in ("weekly",)}
    assert names["weekly"] == "so-ket-tuan-2020-10-05-2020-10-11.xlsx"


def test_a_monthly_review_is_named_by_its_month():
    review = Review(kind="monthly", period_start=date(2020, 11, 1),
                            period_end=date(2020, 11, 30))
    assert review_exports.file_name(review, "xlsx") == "so-ket-thang-11-2020.xlsx"


def test_the_kpi_and_task_exports_share_the_conventions(app):
    unit = factories.unit("Sở Tư pháp")
    factories.service(unit, level=4)
    factories.task(unit=unit, title="Việc một", due_on=date(2020, 12, 1))
    db.session.commit()
    with force_locale("vi"):
        kpi_sheet = load_workbook(BytesIO(kpi.export_table(
            db.session, date(2020, 11, 30), today=date(2020, 12, 2)))).active
        task_sheet = load_workbook(BytesIO(export_workbook(
            db.session, Filters(), user=factories.user(role="leader"),
            today=date(2020, 11, 20)))).active
    assert "30 %" in kpi_sheet["A3"].value or "30%" in kpi_sheet["A3"].value
    province = table(kpi_sheet)[-1]
    assert province[7] == 1.0
    assert kpi_sheet.cell(row=first_row(kpi_sheet), column=8).number_format == "0.00%"
    assert kpi_sheet["A1"].value.startswith("UBND TỈNH")
    due = task_sheet.cell(row=first_row(task_sheet), column=10)
    assert due.is_date and due.number_format == "DD/MM/YYYY"
    for sheet in (kpi_sheet, task_sheet):
        assert sheet.page_setup.orientation == "landscape" and sheet.auto_filter.ref


def _report(review, chart=True):
    with force_locale("vi"):
        return Document(BytesIO(review_exports.review_docx(
            review, province_name="Bắc Kạn", issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"),
            chart_png=reviews.chart(review, "png") if chart else None)))


def test_the_word_report_is_numbered_and_names_the_task_force(world):  # noqa: F811
    document = _report(build_week())
    footer = document.sections[0].footer._element.xml
    assert "<w:instrText" in footer and " PAGE " in footer
    properties = document.core_properties
    assert properties.author == "Tổ công tác" and properties.last_modified_by == "Tổ công tác"
    assert properties.title.startswith("BÁO CÁO") and properties.subject
    package = BytesIO()
    document.save(package)
    with zipfile.ZipFile(package) as parts:
        assert not [name for name in parts.namelist() if b"python" in parts.read(name).lower()]
    assert "python-docx" not in (properties.comments + properties.keywords)


def test_the_chart_sits_where_the_text_refers_to_it(world):  # noqa: F811
    document = _report(build_week())
    body = list(document.element.body.iterchildren())
    texts = ["".join(node.itertext()) for node in body]
    picture = next(i for i, node in enumerate(body) if "graphic" in node.xml)
    mention = next(i for i, text in enumerate(texts) if text.startswith("Biểu đồ 1 cho thấy")
                   or "Figure 1 shows" in text)
    section_two = next(i for i, text in enumerate(texts) if text.startswith("II."))
    assert mention < picture < section_two


def test_report_tables_size_columns_to_content_and_right_align_numbers(world):  # noqa: F811
    document = _report(build_week(), chart=False)
    units = next(t for t in document.tables if len(t.columns) == 6)
    widths = [column.width for column in units.columns]
    assert widths[0] > widths[1]  # the unit's name is wider than a count
    assert len(set(widths)) > 1
    numbers = units.rows[1].cells[1].paragraphs[0]
    assert numbers.alignment == official_docx._docx().WD_ALIGN_PARAGRAPH.RIGHT
    assert units.rows[1].cells[0].paragraphs[0].alignment is None


def test_column_widths_share_the_text_width():
    headers = ["Đơn vị", "Số"]
    rows = [["Ủy ban nhân dân huyện Chợ Đồn " * 3, "12"]]
    widths = official_docx.column_widths(headers, rows)
    assert abs(sum(widths) - official_docx.TEXT_WIDTH_CM) < 0.01
    assert widths[1] >= official_docx.NARROWEST_CM
    assert official_docx.column_widths(["A", "B"], [["x", "1"]]) == [1.4, 1.4]
