"""A review keeps the default plan's indicators as of its end: on its page, in its workbook,
its Word report and its e-mail; it never changes later, and an older review without them
reads as before."""

from datetime import date
from io import BytesIO

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import OutboxMessage, Role
from taskforce.services import plans, review_exports, review_mail, reviews
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories
from tests.services.test_reviews import NOW, WEEK, build_week, world  # noqa: F401 - the fixture
from tests.sheets import table as sheet_table

pytestmark = pytest.mark.usefixtures("world")

DEC31 = date(2020, 12, 31)


def make_plan():
    leader = factories.user(Role.LEADER, email="plans@backan.gov.vn")
    plan = plans.create_plan(db.session, PlanDraft(
        code="KH-2020", name="Kế hoạch 2020", starts_on=date(2020, 1, 1), ends_on=DEC31,
        indicators=(IndicatorDraft(code="L4", name="Dịch vụ mức độ 4", measure="share_at_class",
                                   params={"min_level": 4, "verified_only": True},
                                   milestones=(MilestoneDraft(0.5, DEC31),)),)), actor=leader)
    db.session.commit()
    return plan


# By hand, at the end of the week (11/10/2020): 3 of the 11 services verified at level 4
# (a3 and Ba Bể's from 01/01, a1 from 07/10). The month ends May–September stood at 2/11, so
# the Theil–Sen slope (the median of 15 pairwise slopes, 10 of them 0) is 0 and the line
# stays at 2/11: projected 0.1818 on 31/12, below 0.50 − 0.05: off track. Still needed:
# (0.50 − 0.2727) over 81 days (2.66 months) = 0.0854 a month; in services ⌈5.5 − 3⌉ = 3
# over 2.66 months, 2 a month.
EXPECTED = {"code": "L4", "name": "Dịch vụ mức độ 4", "measure": "share_at_class",
            "value": 0.2727, "target": 0.5, "target_on": "2020-12-31", "projected": 0.1818,
            "status": "off_track", "pace": 0.0854, "pace_services": 2}


def test_the_snapshot_keeps_the_default_plans_indicators_as_of_its_end():
    make_plan()
    review = build_week()
    assert review.snapshot["indicators"] == {
        "plan": {"code": "KH-2020", "name": "Kế hoạch 2020"}, "items": [EXPECTED]}
    assert reviews.indicator_items(review.snapshot) == [EXPECTED]


def test_without_a_plan_the_snapshot_says_none():
    review = build_week()
    assert review.snapshot["indicators"] is None
    assert reviews.indicator_items(review.snapshot) == []


def test_the_stored_indicators_never_change_afterwards(world):  # noqa: F811
    plan = make_plan()
    build_week()
    db.session.commit()
    for _ in range(5):
        factories.service(world["a"], level=4, listed_on=date(2020, 1, 1))
    plan.indicators[0].milestones[0].target_value = 0.9
    db.session.commit()
    db.session.expire_all()
    assert reviews.find_review(db.session, "weekly", *WEEK).snapshot["indicators"]["items"] == \
        [EXPECTED]


def _old(review):
    """The review as one made before the indicators were kept."""
    review.snapshot = {key: value for key, value in review.snapshot.items()
                       if key != "indicators"}
    db.session.commit()
    return review


def _sheets(review):
    with force_locale("en"):
        book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
    return {sheet.title: [list(row) for row in sheet_table(sheet)] for sheet in book.worksheets}


def test_the_workbook_has_an_indicator_sheet():
    make_plan()
    review = build_week()
    sheets = _sheets(review)
    assert sheets["Indicators"][0] == ["Code", "Indicator", "Value", "Target", "Target date",
                                       "Projected", "Status", "Pace needed"]
    code, name, value, target, target_on, projected, status, pace = sheets["Indicators"][1]
    assert (code, name, value, target, projected) == ("L4", "Dịch vụ mức độ 4", 0.2727, 0.5,
                                                      0.1818)
    # A text that begins with "+" is quoted, as in every export (no formula).
    assert target_on.date() == DEC31 and (status, pace) == ("off track", "'+2 services a month")
    with force_locale("vi"):
        book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
    assert "Chỉ tiêu" in book.sheetnames
    assert "Indicators" not in _sheets(_old(review))


def _docx_text(review):
    with force_locale("en"):
        data = review_exports.review_docx(review, province_name="Bắc Kạn",
                                          issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"))
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(parts).replace("\xa0", " ")


def test_the_word_report_has_an_indicator_table():
    make_plan()
    review = build_week()
    text = _docx_text(review)
    assert "IV. Indicators of the plan: Kế hoạch 2020" in text
    assert ("L4 Dịch vụ mức độ 4 | 27.27 % | 50.00 % | 31/12/2020 | 18.18 % | off track | "
            "+2 services a month") in text
    assert "IV. Indicators" not in _docx_text(_old(review))


def _messages(review):
    review_mail.send_review(db.session, review, now=NOW)
    db.session.commit()
    return {m.recipient: m for m in db.session.scalars(select(OutboxMessage))}


def test_the_email_lists_the_indicators_in_the_readers_language():
    make_plan()
    messages = _messages(build_week())
    english, vietnamese = messages["hung@backan.gov.vn"], messages["tien@backan.gov.vn"]
    assert "Plan: Kế hoạch 2020" in english.body_text
    assert ("* L4 Dịch vụ mức độ 4: 27.27 %; Target 50 % by 31/12/2020; Projected 18.18 %; "
            "off track; Pace needed +2 services a month") in english.body_text.replace("\xa0", " ")
    assert 'id="indicators"' in english.body_html and "off track" in english.body_html
    assert "Kế hoạch: Kế hoạch 2020" in vietnamese.body_text
    assert "chệch hướng" in vietnamese.body_text


def test_an_older_review_emails_as_before():
    make_plan()
    messages = _messages(_old(build_week()))
    message = messages["hung@backan.gov.vn"]
    assert "Plan:" not in message.body_text and 'id="indicators"' not in message.body_html
    assert "3 / 11" in message.body_text


def test_the_review_page_shows_the_indicators(client, login_as):
    make_plan()
    review = build_week()
    db.session.commit()
    login_as("leader", locale="en")
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'id="review-indicators"' in html and "Plan: Kế hoạch 2020" in html
    assert "off track" in html and "+2 services a month" in html
    old = client.get(f"/reviews/{_old(review).id}")
    assert old.status_code == 200 and 'id="review-indicators"' not in old.get_data(as_text=True)
