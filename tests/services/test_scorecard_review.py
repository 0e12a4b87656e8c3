"""The scorecard section of a review's workbook and Word report, as its snapshot kept it."""

import json
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.services import review_exports, review_mail, reviews, scorecard
from tests import factories
from tests.services.test_reviews import build_week, world  # noqa: F401 - the fixture
from tests.services.test_scorecard import record

NOW = datetime(2025, 11, 5, 3, 0, tzinfo=UTC)


def test_the_workbook_and_the_report_carry_the_scorecard(app):
    factories.unit("Sở Tư pháp", code="H55.01")
    factories.unit("Sở Y tế", code="H55.02")
    items = [record("Tỉnh Thái Nguyên", "H55", (17.5, 18, 11, 9, 20, 17.8), kind="1", rank=12),
             record("Sở Tư pháp", "H55.01", (16, 19.5, 10, 8, 18, 17), rank=300),
             record("Sở Y tế", "H55.02", (12, 14, 9, 6, 15, 13), rank=950, ident=2)]
    scorecard.import_scorecard(db.session, json.dumps(items).encode(), "t10.json",
                               scorecard.parse_period("2025-10"), create_units=False,
                               actor=None, now=NOW)
    review = reviews.build_review(db.session, kind="monthly", start=date(2025, 10, 1),
                                  end=date(2025, 10, 31), now=NOW)
    db.session.commit()
    with force_locale("en"):
        book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
        sheet = book["766 scorecard"]
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        start = next(i for i, row in enumerate(values) if row[0] == "Unit") + 1
        assert values[start:start + 3] == [
            ["The province", 93.3, None, None, None],
            ["Sở Tư pháp", 88.5, 90, "Digitisation of dossiers", 4],
            ["Sở Y tế", 69, 80, "Digitisation of dossiers", 7]]
    document = Document(BytesIO(review_exports.report_of(db.session, review)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "IV. Bộ chỉ số 766: Tháng 10/2025" in text  # the review has no plan's indicators
    assert "Tỉnh đạt 93,3 điểm, xếp hạng 12 toàn quốc." in text
    table = next(t for t in document.tables if t.rows[0].cells[-1].text == "Số điểm còn thiếu")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1:] == [["Sở Tư pháp", "88,5", "90", "Số hóa hồ sơ", "4"],
                        ["Sở Y tế", "69", "80", "Số hóa hồ sơ", "7"]]


@pytest.mark.usefixtures("world")
def test_the_review_email_carries_the_scorecard_in_each_readers_language():
    items = [record("Tỉnh Bắc Kạn", "T", (17, 18, 11, 9, 20, 17), kind="1", rank=40),
             record("Sở Mới", "SMOI", (12, 14, 9, 6, 15, 13), rank=950)]
    scorecard.import_scorecard(db.session, json.dumps(items).encode(), "t9.json",
                               scorecard.parse_period("2020-09"), create_units=True,
                               actor=None, now=NOW)
    review = build_week()
    review_mail.send_review(db.session, review, now=NOW)
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    english, vietnamese = messages[0], messages[1]
    assert "766 scorecard: Month 9/2020" in english.body_text
    assert "* Sở Mới: 69.00 (Under 80; Weakest group: Digitisation of dossiers)" \
        in english.body_text
    assert 'id="scorecard-under"' in english.body_html and "Sở Mới" in english.body_html
    assert "Bộ chỉ số 766: Tháng 9/2020" in vietnamese.body_text
    assert "Số hóa hồ sơ" in vietnamese.body_text
