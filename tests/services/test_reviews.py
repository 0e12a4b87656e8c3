"""Reviews: the snapshot against the KPI functions, its permanence, movement, files."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from docx import Document
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    ClaimStatus,
    Decision,
    ExtensionRequest,
    Position,
    Review,
    TaskStatus,
    UnitKind,
)
from taskforce.services import kpi, official_docx, review_exports, reviews, tasks
from taskforce.services.errors import DomainError
from tests import factories
from tests.sheets import table as sheet_table

JAN1 = date(2020, 1, 1)
# The week of Monday 05/10/2020 to Sunday 11/10/2020, reviewed on Monday 12/10/2020.
WEEK = (date(2020, 10, 5), date(2020, 10, 11))
MADE_ON = date(2020, 10, 12)
NOW = datetime(2020, 10, 12, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội


@pytest.fixture
def world(app):
    """Two units with a level history and tasks in every class at the end of the week."""
    a = factories.unit("Sở Tư pháp", display_order=1, code="STP")
    b = factories.unit("Huyện Ba Bể", kind=UnitKind.DISTRICT, display_order=2, code="BB")
    a1 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(a1, 4, date(2020, 10, 7))
    a2 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(a2, 4, date(2020, 10, 9), status=ClaimStatus.PENDING)
    a3 = factories.service(a, level=4, listed_on=JAN1)
    factories.usage(a3, date(2020, 9, 1), total=10, online=4)
    for _ in range(3):
        factories.service(a, level=3, listed_on=JAN1)
    factories.service(b, level=4, listed_on=JAN1)
    for _ in range(4):
        factories.service(b, level=3, listed_on=JAN1)
    made = datetime(2020, 9, 1, tzinfo=UTC)
    factories.task(a, due_on=date(2020, 10, 9), status=TaskStatus.DONE,
                   completed_on=date(2020, 10, 8), title="Xong đúng hạn", created_at=made)
    factories.task(a, due_on=date(2020, 10, 2), status=TaskStatus.DONE,
                   completed_on=date(2020, 10, 6), title="Xong muộn", created_at=made)
    factories.task(b, due_on=date(2020, 10, 15), status=TaskStatus.IN_PROGRESS,
                   title="Đang làm", created_at=made)
    factories.task(b, due_on=date(2020, 10, 8), status=TaskStatus.NEW, title="Quá hạn",
                   created_at=made)
    factories.task(b, due_on=date(2020, 10, 20), status=TaskStatus.REPORTED,
                   title="Chờ nghiệm thu", created_at=made,
                   reported_at=datetime(2020, 10, 10, 3, tzinfo=UTC))
    factories.task(a, due_on=date(2020, 10, 1), status=TaskStatus.CANCELLED, title="Huỷ",
                   created_at=made)
    extended = factories.task(a, due_on=date(2020, 10, 30), original_due_on=date(2020, 10, 9),
                              status=TaskStatus.IN_PROGRESS, title="Gia hạn", created_at=made)
    db.session.add(ExtensionRequest(task_id=extended.id, previous_due_on=date(2020, 10, 9),
                                    requested_due_on=date(2020, 10, 30), reason="Chờ kết nối",
                                    decision=Decision.APPROVED,
                                    decided_at=datetime(2020, 10, 6, 4, tzinfo=UTC)))
    leader_user = factories.user(role="leader", email="hung@backan.gov.vn", locale="en")
    factories.member("Phạm Duy Hưng", position=Position.LEADER, user=leader_user,
                     email="HUNG@backan.gov.vn", title="Phó Chủ tịch UBND tỉnh")
    factories.member("Hà Văn Tiến", position=Position.PERMANENT_DEPUTY,
                     email="tien@backan.gov.vn")
    factories.member("Không có thư", email=None)
    factories.member("Đã nghỉ", email="old@backan.gov.vn", active=False)
    factories.user(role="leader", email="pho@backan.gov.vn")
    factories.user(role="viewer", email="viewer@backan.gov.vn")
    db.session.commit()
    return {"a": a, "b": b, "a1": a1}


def build_week(**kw):
    return reviews.build_review(db.session, kind="weekly", start=WEEK[0], end=WEEK[1], now=NOW,
                                today=MADE_ON, **kw)


@pytest.mark.parametrize(("kind", "today", "period"), [
    ("weekly", date(2020, 10, 12), (date(2020, 10, 5), date(2020, 10, 11))),
    ("weekly", date(2020, 10, 18), (date(2020, 10, 5), date(2020, 10, 11))),
    ("weekly", date(2021, 1, 4), (date(2020, 12, 28), date(2021, 1, 3))),
    ("monthly", date(2020, 11, 1), (date(2020, 10, 1), date(2020, 10, 31))),
    ("monthly", date(2021, 3, 15), (date(2021, 2, 1), date(2021, 2, 28))),
    ("monthly", date(2021, 1, 1), (date(2020, 12, 1), date(2020, 12, 31))),
])
def test_review_period(kind, today, period):
    assert reviews.review_period(kind, today) == period


@pytest.mark.parametrize(("kind", "start", "end", "field"), [
    ("weekly", date(2020, 10, 6), date(2020, 10, 12), "start"),
    ("weekly", date(2020, 10, 5), date(2020, 10, 10), "start"),
    ("monthly", date(2020, 9, 2), date(2020, 9, 30), "start"),
    ("monthly", date(2020, 2, 1), date(2020, 2, 28), "start"),
    ("custom", date(2020, 10, 9), date(2020, 10, 1), "end"),
    ("custom", date(2020, 10, 1), date(2020, 10, 13), "end"),
    ("custom", date(1900, 1, 1), date(2020, 10, 1), "start"),
    ("yearly", date(2020, 1, 1), date(2020, 10, 1), "kind"),
])
def test_a_period_a_review_cannot_have_is_refused(app, kind, start, end, field):
    with pytest.raises(DomainError) as caught:
        reviews.build_review(db.session, kind=kind, start=start, end=end, now=NOW,
                             today=MADE_ON)
    assert caught.value.field == field
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_the_figures_are_the_kpi_functions_figures_at_the_end(world):
    review = build_week()
    s = review.snapshot
    end = WEEK[1]
    province = kpi.province_figures(db.session, end)
    assert {k: s["province"][k] for k in province.as_dict()} == province.as_dict()
    assert s["province"]["level4_verified"] == 3 and s["province"]["level4"] == 4
    assert s["province"]["effective_share"] == round(province.effective_share, 4)
    _province, per_unit = kpi.compute(db.session, end)
    assert [(row["id"], row["share_verified"], row["to_target"]) for row in s["units"]] == [
        (unit.id, round(fig.share_verified, 4), fig.to_target) for unit, fig in per_unit]
    assert [row["id"] for row in s["behind"]] == [
        unit.id for unit, _fig in kpi.furthest_behind(per_unit, reviews.BEHIND_COUNT)]
    trend = kpi.monthly_trend(db.session, kpi.trend_start(end, 12), end)
    assert [(p["on"], p["verified"]) for p in s["trend"]] == [
        (p.on.isoformat(), round(p.share_verified, 4)) for p in trend]
    assert s["signer"] == {"name": "Phạm Duy Hưng", "title": "Phó Chủ tịch UBND tỉnh"}
    assert s["issued_on"] == "2020-10-12"


def test_the_tasks_are_classified_at_the_end_of_the_period(world):
    s = build_week().snapshot
    expected = tasks.count_by_classification(db.session, WEEK[1])
    assert {k: s["tasks"][k] for k in reviews.CLASSES} == expected
    assert s["tasks"] == {"done_on_time": 1, "done_late": 1, "done_short": 0, "open_on_time": 3,
                          "open_overdue": 1, "total": 6}
    by_unit = {row["id"]: row["tasks"] for row in s["units"]}
    assert by_unit[world["b"].id] == {"done_on_time": 0, "done_late": 0, "done_short": 0,
                                      "open_on_time": 2, "open_overdue": 1}
    assert [t["title"] for t in s["awaiting_acceptance"]["items"]] == ["Chờ nghiệm thu"]
    assert s["awaiting_acceptance"]["items"][0]["reported_on"] == "2020-10-10"
    assert [t["title"] for t in s["due_soon"]["items"]] == ["Đang làm"]
    assert s["extensions"]["total"] == 1
    assert s["extensions"]["items"][0]["previous_due_on"] == "2020-10-09"
    assert s["extensions"]["items"][0]["granted_due_on"] == "2020-10-30"


def test_a_task_finished_after_the_period_counts_as_open_when_built_late(world):
    factories.task(world["a"], due_on=date(2020, 10, 9), status=TaskStatus.DONE,
                   completed_on=date(2020, 10, 13), created_at=datetime(2020, 9, 1, tzinfo=UTC))
    factories.task(world["a"], due_on=date(2020, 10, 9), status=TaskStatus.NEW,
                   created_at=datetime(2020, 10, 12, 2, tzinfo=UTC))  # made after the period
    db.session.commit()
    s = build_week().snapshot
    assert s["tasks"]["open_overdue"] == 2
    assert s["tasks"]["total"] == 7


def test_a_past_review_never_changes(world):
    review = build_week(number="12")
    db.session.commit()
    before = review.snapshot
    files = (review_exports.review_xlsx(review), _docx_text(review))
    # The data changes afterwards: a new verified level 4 inside the period, a task closed.
    later = factories.service(world["a"], level=3, listed_on=JAN1)
    factories.level_change(later, 4, date(2020, 10, 8))
    factories.task(world["b"], due_on=date(2020, 10, 9), created_at=datetime(
        2020, 9, 1, tzinfo=UTC))
    db.session.commit()
    again = build_week(number="99")
    db.session.commit()
    assert again.id == review.id
    assert again.number == "12"
    db.session.expire_all()
    assert db.session.get(Review, review.id).snapshot == before
    assert _docx_text(again) == files[1]
    assert _xlsx_values(review_exports.review_xlsx(again)) == _xlsx_values(files[0])
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_movement_is_measured_from_the_previous_review_of_the_same_kind(world):
    first = build_week()
    db.session.commit()
    factories.level_change(world["a1"], 3, date(2020, 10, 14))
    b_service = factories.service(world["b"], level=3, listed_on=JAN1)
    factories.level_change(b_service, 4, date(2020, 10, 15))
    factories.level_change(factories.service(world["b"], level=3, listed_on=JAN1), 4,
                           date(2020, 10, 16))
    db.session.commit()
    second = reviews.build_review(db.session, kind="weekly", start=date(2020, 10, 12),
                                  end=date(2020, 10, 18), now=NOW + timedelta(days=7))
    s = second.snapshot
    assert s["baseline"]["review_id"] == first.id
    assert s["movement"]["level4_verified"] == 1
    assert s["movement"]["services"] == 2
    assert s["movement"]["share_verified"] == round(
        s["province"]["share_verified"] - first.snapshot["province"]["share_verified"], 4)
    units = {row["id"]: row["movement"] for row in s["units"]}
    assert units[world["a"].id]["level4_verified"] == -1
    assert units[world["b"].id]["level4_verified"] == 2
    # A custom review has its own chain: its baseline is the day before its start.
    custom = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 1),
                                  end=date(2020, 10, 18), now=NOW)
    assert custom.snapshot["baseline"] == {"review_id": None, "as_of": "2020-09-30"}
    assert custom.snapshot["movement"]["level4_verified"] == 2


def test_the_first_review_measures_from_the_day_before_its_start(world):
    s = build_week().snapshot
    assert s["baseline"] == {"review_id": None, "as_of": "2020-10-04"}
    before = kpi.province_figures(db.session, date(2020, 10, 4))
    assert s["movement"]["level4_verified"] == 3 - before.level4_verified == 1


def test_ensure_review_builds_the_scheduled_period_once(world):
    review, made = reviews.ensure_review(db.session, kind="weekly", today=MADE_ON, now=NOW)
    assert made and (review.period_start, review.period_end) == WEEK
    db.session.commit()
    again, made_again = reviews.ensure_review(db.session, kind="weekly",
                                              today=MADE_ON + timedelta(days=3), now=NOW)
    assert (again.id, made_again) == (review.id, False)


def _xlsx_values(data):
    book = load_workbook(BytesIO(data))
    return {sheet.title: [list(row) for row in sheet_table(sheet)] for sheet in book.worksheets}


def _docx_text(review):
    with force_locale("en"):
        data = review_exports.review_docx(
            review, province_name="Bắc Kạn", issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"),
            symbol="BC-TCT", chart_png=reviews.chart(review, "png"))
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def test_the_workbook_opens_and_holds_the_figures(world):
    review = build_week()
    with force_locale("en"):
        sheets = _xlsx_values(review_exports.review_xlsx(review))
    summary = {row[0]: row[1:] for row in sheets["Summary"][1:]}
    assert summary["Services"] == [11, 0]
    assert summary["Level 4 (verified)"] == [3, 1]
    assert summary["Share verified (%)"][0] == 0.2727
    assert summary["Open, overdue"][0] == 1
    units = {row[0]: row for row in sheets["Units"][1:]}
    assert units["Sở Tư pháp"][2:6] == [6, 4, 3, 2]
    assert units["Huyện Ba Bể"][6] == 0.2
    assert [row[0] for row in sheets["Awaiting acceptance"][1:]] == ["Chờ nghiệm thu"]
    assert sheets["Extensions granted"][1][2:4] == [datetime(2020, 10, 9), datetime(2020, 10, 30)]


def test_the_word_report_has_the_official_layout_and_the_figures(world):
    review = build_week(number="12")
    with force_locale("en"):
        data = review_exports.review_docx(
            review, province_name="Bắc Kạn", issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"),
            symbol="BC-TCT", chart_png=reviews.chart(review, "png"))
    document = Document(BytesIO(data))
    text = _docx_text(review)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "UBND TỈNH BẮC KẠN", "TỔ CÔNG TÁC", "Số: 12/BC-TCT",
                     "Bắc Kạn, ngày 12 tháng 10 năm 2020", "BÁO CÁO", "Nơi nhận:",
                     "TM. TỔ CÔNG TÁC", "TỔ TRƯỞNG", "Phạm Duy Hưng", "Lưu: VT."):
        assert expected in text, expected
    assert "Weekly review 05/10/2020 – 11/10/2020" in text
    assert "11 online public services; 3 are at level 4" in text
    assert "(27.27 %)" in text
    assert "Change since 04/10/2020: level-4 services (verified) +1, share +9.09" in text
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[0].text == "UBND TỈNH BẮC KẠN"
    assert header[1].paragraphs[0].text.startswith("CỘNG HÒA")
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert len(document.inline_shapes) == 1
    unit_rows = {t.rows[1].cells[0].text for t in document.tables[1:] if len(t.rows) > 1}
    assert "Sở Tư pháp" in unit_rows


@pytest.mark.parametrize(("day", "text"), [
    (date(2021, 2, 5), "ngày 05 tháng 02 năm 2021"),
    (date(2020, 10, 12), "ngày 12 tháng 10 năm 2020"),
    (date(2020, 3, 1), "ngày 01 tháng 3 năm 2020"),
])
def test_the_issue_date_is_written_the_administrative_way(day, text):
    assert official_docx.issue_date(day) == text


def test_the_report_header_comes_from_the_settings(world):
    from taskforce.services import settings

    assert review_exports.report_header(db.session)["issuer"] == (
        "UBND TỈNH BẮC KẠN", "Tổ công tác")
    settings.put(db.session, "report_province", "Thái Nguyên")
    settings.put(db.session, "report_issuer", "Ban chỉ đạo")
    header = review_exports.report_header(db.session)
    assert header["province_name"] == "Thái Nguyên"
    assert header["issuer"] == ("UBND TỈNH THÁI NGUYÊN", "Ban chỉ đạo")
