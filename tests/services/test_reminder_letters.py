"""The reminder letter (công văn đôn đốc): its official layout, the lagging units with their
overdue tasks and figures, its running number per year; the review page's button."""

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Review, TaskStatus
from taskforce.services import reminder_letters
from taskforce.services.errors import DomainError
from tests import factories
from tests.services.test_reviews import NOW, build_week, world  # noqa: F401 - the fixture

TODAY = date(2020, 10, 12)


def _text(document):
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    return "\n".join(parts)


def test_the_letter_has_the_official_layout_and_lists_each_units_overdue_tasks(world):  # noqa: F811
    # Sở Tư pháp has reached the target but has a task overdue; Huyện Ba Bể is behind.
    factories.task(world["a"], due_on=date(2020, 10, 10), status=TaskStatus.IN_PROGRESS,
                   title="Kết nối thanh toán", created_at=datetime(2020, 9, 1, tzinfo=UTC))
    review = build_week()
    leader = factories.user(role="leader")
    letter = reminder_letters.make_letter(db.session, review, actor=leader, today=TODAY, now=NOW)
    db.session.commit()
    assert letter.number == 1 and letter.file_name == "cong-van-don-doc-so-1-2020.docx"
    document = Document(BytesIO(letter.data))
    text = _text(document)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "UBND TỈNH BẮC KẠN", "Số: 1/TCT", "Bắc Kạn, ngày 12 tháng 10 năm 2020",
                     "V/v đôn đốc", "Kính gửi:", "- Sở Tư pháp;", "- Huyện Ba Bể.",
                     "Nơi nhận:", "- Như trên;", "Lưu: VT.", "TỔ TRƯỞNG", "Phạm Duy Hưng"):
        assert expected in text, expected
    # Huyện Ba Bể: its figures and its overdue task with the days overdue.
    assert "Huyện Ba Bể" in text and "1/5 dịch vụ mức độ 4" in text
    lists = [t for t in document.tables if t.rows[0].cells[1].text == "Nhiệm vụ"]
    assert [[c.text for c in t.rows[1].cells][1:4] for t in lists][0] == [
        "Kết nối thanh toán", "10/10/2020", "2"]
    overdue = lists[1]
    row = [cell.text for cell in overdue.rows[1].cells]
    assert row[1:4] == ["Quá hạn", "08/10/2020", "4"]
    assert overdue.rows[1].cells[3].paragraphs[0].alignment is not None  # right-aligned
    footer = document.sections[0].footer._element.xml
    assert " PAGE " in footer
    assert document.core_properties.author == "Tổ công tác"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.letter"))
    assert event.summary.startswith("1/TCT")


def test_letters_are_numbered_in_a_running_sequence_per_year(world):  # noqa: F811
    review = build_week()
    leader = factories.user(role="leader")
    numbers = [reminder_letters.make_letter(db.session, review, actor=leader, today=day,
                                            now=NOW).number
               for day in (TODAY, TODAY, date(2021, 1, 4), TODAY)]
    assert numbers == [1, 2, 1, 3]


def test_no_letter_when_no_unit_lags(app):
    unit = factories.unit("Sở Tư pháp")
    for _ in range(3):
        factories.service(unit, level=4)
    db.session.commit()
    review = build_week()
    with pytest.raises(DomainError, match="không cần đôn đốc"):
        reminder_letters.make_letter(db.session, review, actor=None, today=TODAY, now=NOW)
    assert reminder_letters.next_number(db.session, 2020) == 1  # none was taken


def test_the_leader_gets_the_letter_from_the_review_page(client, login_as, world):  # noqa: F811
    review_id = build_week().id
    db.session.commit()
    login_as("leader", locale="vi")
    page = client.get(f"/reviews/{review_id}").text
    assert f'action="/reviews/{review_id}/letter"' in page
    response = client.post(f"/reviews/{review_id}/letter")
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="cong-van-don-doc-so-1-\d{4}.docx"',
                        response.headers["Content-Disposition"])
    assert "Kính gửi:" in _text(Document(BytesIO(response.data)))


def test_others_see_no_button_and_are_refused(client, login_as, world):  # noqa: F811
    review_id = build_week().id
    db.session.commit()
    login_as("member")
    assert "/letter" not in client.get(f"/reviews/{review_id}").text
    assert client.post(f"/reviews/{review_id}/letter").status_code == 403
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "review.letter")) == 0
    assert db.session.get(Review, review_id) is not None
