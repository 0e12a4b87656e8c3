"""The review pages: the list, a stored review, building one, e-mailing it, the downloads."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, OutboxMessage, Position, Review, TaskStatus
from taskforce.services import reviews
from tests import factories

NOW = datetime(2020, 10, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def world(app):
    app.config["TODAY"] = date(2020, 10, 20)
    unit = factories.unit("Sở Tư pháp")
    s1 = factories.service(unit, level=3, listed_on=date(2020, 1, 1))
    factories.level_change(s1, 4, date(2020, 10, 7))
    factories.service(unit, level=3, listed_on=date(2020, 1, 1))
    factories.task(unit, due_on=date(2020, 10, 8), status=TaskStatus.NEW,
                   title="Kết nối thanh toán trực tuyến", created_at=NOW.replace(month=9))
    factories.member("Hà Văn Tiến", position=Position.PERMANENT_DEPUTY, email="tien@backan.gov.vn")
    db.session.commit()
    return unit


def make_review(kind="weekly", start=date(2020, 10, 5), end=date(2020, 10, 11), **kw):
    review = reviews.build_review(db.session, kind=kind, start=start, end=end, now=NOW, **kw)
    db.session.commit()
    return review


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_list_says_what_to_do_when_empty(client, login_as, world):
    login_as("leader", locale="en")
    html = client.get("/reviews").get_data(as_text=True)
    assert "No review yet" in html and "/reviews/new" in html


def test_the_list_shows_each_review_newest_first(client, login_as, world):
    make_review()
    make_review(start=date(2020, 9, 28), end=date(2020, 10, 4))
    make_review(kind="monthly", start=date(2020, 9, 1), end=date(2020, 9, 30))
    login_as("viewer", locale="en")
    html = client.get("/reviews").get_data(as_text=True)
    assert html.index("05/10/2020 – 11/10/2020") < html.index("28/09/2020 – 04/10/2020")
    assert "/reviews/new" not in html
    weekly_only = client.get("/reviews?kind=weekly").get_data(as_text=True)
    assert "01/09/2020 – 30/09/2020" in html and "01/09/2020 – 30/09/2020" not in weekly_only


def test_the_list_answers_in_a_fixed_number_of_queries(client, login_as, world, count_queries):
    login_as("viewer", locale="en")

    def queries():
        with count_queries() as seen:
            assert client.get("/reviews").status_code == 200
        return seen.count

    make_review()
    few = queries()
    for monday in (date(2020, 9, 7), date(2020, 9, 14), date(2020, 9, 21), date(2020, 9, 28)):
        make_review(start=monday, end=monday + timedelta(days=6))
    assert queries() == few


def test_the_detail_page_shows_the_stored_figures(client, login_as, world):
    review = make_review(number="12")
    login_as("unit_officer", locale="en")
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "05/10/2020" in html and "11/10/2020" in html
    assert "Kết nối thanh toán trực tuyến" not in html  # overdue tasks are counted, not listed
    assert "Sở Tư pháp" in html
    assert f"/reviews/{review.id}/trend.svg" in html
    assert f"/reviews/{review.id}/review.xlsx" in html
    assert f"/reviews/{review.id}/send" not in html  # only the leadership e-mails it
    assert client.get("/reviews/999").status_code == 404


def test_the_trend_chart_is_an_svg_drawn_from_the_snapshot(client, login_as, world):
    review = make_review()
    login_as("viewer", locale="en")
    response = client.get(f"/reviews/{review.id}/trend.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_downloads_open_and_hold_the_figures(client, login_as, world):
    review = make_review(number="7")
    login_as("member", locale="en")
    xlsx = client.get(f"/reviews/{review.id}/review.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"] == \
        'attachment; filename="so-ket-tuan-2020-10-05-2020-10-11.xlsx"'
    book = load_workbook(BytesIO(xlsx.data))
    values = [cell for row in book.worksheets[1].iter_rows(values_only=True) for cell in row]
    assert "Sở Tư pháp" in values and 0.5 in values
    docx = client.get(f"/reviews/{review.id}/report.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    document = Document(BytesIO(docx.data))
    header = "\n".join(p.text for cell in document.tables[0].rows[0].cells
                       for p in cell.paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "UBND TỈNH BẮC KẠN" in header and "Số: 7/BC-TCT" in header
    assert "Bắc Kạn, ngày 12 tháng 10 năm 2020" in header
    assert len(document.inline_shapes) == 1


def test_the_leadership_builds_a_custom_review(client, login_as, world):
    leader = login_as("leader", locale="en")
    response = client.post("/reviews/new", data={
        "kind": "custom", "start": "01/10/2020", "end": "15/10/2020", "number": "3"})
    assert response.status_code == 302
    review = db.session.scalar(select(Review))
    assert response.headers["Location"].endswith(f"/reviews/{review.id}")
    assert (review.kind, review.period_start, review.period_end, review.number) == (
        "custom", date(2020, 10, 1), date(2020, 10, 15), "3")
    assert review.created_by_id == leader.id
    assert review.snapshot["province"]["level4_verified"] == 1
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "reviews")) == "review.build"
    assert count(OutboxMessage) == 0


def test_building_a_period_again_shows_the_review_already_made(client, login_as, world):
    review = make_review()
    login_as("admin", locale="en")
    response = client.post("/reviews/new", data={
        "kind": "weekly", "start": "05/10/2020", "end": "11/10/2020"}, follow_redirects=True)
    assert "reviewed already" in response.get_data(as_text=True)
    assert count(Review) == 1 and response.request.path == f"/reviews/{review.id}"


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"kind": "custom", "start": "15/10/2020", "end": "01/10/2020"}, "end", "must not end"),
    ({"kind": "custom", "start": "01/10/2020", "end": "01/12/2020"}, "end", "today at the"),
    ({"kind": "weekly", "start": "06/10/2020", "end": "12/10/2020"}, "start", "Monday to"),
    ({"kind": "monthly", "start": "01/09/2020", "end": "29/09/2020"}, "start", "whole"),
    ({"kind": "custom", "start": "01/10/2020", "end": "2020-10-05"}, "end", "as dd/mm/yyyy"),
    ({"kind": "yearly", "start": "2020-10-01", "end": "2020-10-05"}, "kind", "valid choice"),
])
def test_bad_input_is_shown_on_the_field_and_builds_nothing(client, login_as, world, data,
                                                            field, message):
    login_as("leader", locale="en")
    response = client.post("/reviews/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and message in html
    assert count(Review) == 0


def test_building_and_emailing_at_once(client, login_as, world):
    login_as("leader", email="hung@backan.gov.vn", locale="en")
    response = client.post("/reviews/new", data={
        "kind": "custom", "start": "01/10/2020", "end": "15/10/2020", "send": "y"},
        follow_redirects=True)
    assert "2 e-mails queued" in response.get_data(as_text=True)
    assert sorted(db.session.scalars(select(OutboxMessage.recipient))) == [
        "hung@backan.gov.vn", "tien@backan.gov.vn"]


def test_emailing_a_review_twice_sends_it_once(client, login_as, world):
    review = make_review()
    login_as("leader", locale="en")
    first = client.post(f"/reviews/{review.id}/send", follow_redirects=True)
    assert "2 e-mails queued" in first.get_data(as_text=True)
    second = client.post(f"/reviews/{review.id}/send", follow_redirects=True)
    assert "sent this review already" in second.get_data(as_text=True)
    assert count(OutboxMessage) == 2


@pytest.mark.parametrize("role", ["member", "unit_officer", "viewer"])
def test_only_the_leadership_builds_or_emails(client, login_as, world, role):
    review = make_review()
    login_as(role, locale="en")
    assert client.get("/reviews/new").status_code == 403
    assert client.post("/reviews/new", data={"kind": "custom", "start": "01/10/2020",
                                              "end": "2020-10-05"}).status_code == 403
    assert client.post(f"/reviews/{review.id}/send").status_code == 403
    assert count(Review) == 1 and count(OutboxMessage) == 0


def test_a_target_exceeded_says_by_how_many_never_a_negative_count(client, login_as, world):
    for _ in range(12):
        service = factories.service(world, level=3, listed_on=date(2020, 1, 1))
        factories.level_change(service, 4, date(2020, 10, 6))
    db.session.commit()
    review = make_review()
    province = review.snapshot["province"]
    needed = -(-round(review.snapshot["target"] * province["services"] * 1000) // 1000)
    beyond = province["level4_verified"] - needed
    assert province["to_target"] == 0 and beyond > 0
    login_as("viewer", locale="vi")
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert f'<span class="text-success" id="beyond-target">Vượt mục tiêu {beyond} dịch vụ</span>' \
        in html
