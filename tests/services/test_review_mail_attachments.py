"""The review e-mail carries the review's .xlsx and .docx, received by a real SMTP server
(aiosmtpd) and opened with openpyxl and python-docx."""

from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.services import review_mail
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.transports import SMTPTransport
from tests.services.test_reviews import NOW, build_week, world  # noqa: F401 - the fixture
from tests.sheets import table
from tests.smtp_server import Handler, SMTPServer

pytestmark = pytest.mark.usefixtures("world")


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


def test_every_reader_receives_the_workbook_and_the_report(smtp):
    review = build_week(number="12")
    assert review_mail.send_review(db.session, review, now=NOW) == 3
    db.session.commit()
    deliver_pending(db.session, now=NOW,
                    transport=SMTPTransport("127.0.0.1", smtp.port, timeout=10))
    assert len(smtp.received) == 3
    by_reader = {item.rcpt_tos[0]: item.message for item in smtp.received}
    for address, message in by_reader.items():
        files = {part.get_filename(): part for part in message.iter_attachments()}
        assert set(files) == {"so-ket-tuan-2020-10-05-2020-10-11.xlsx",
                              "so-ket-tuan-2020-10-05-2020-10-11.docx"}, address
        xlsx = files["so-ket-tuan-2020-10-05-2020-10-11.xlsx"]
        assert xlsx.get_content_type().endswith("spreadsheetml.sheet")
        book = load_workbook(BytesIO(xlsx.get_content()))
        summary = {row[0]: row[1] for row in table(book.worksheets[0])[1:]}
        assert 11 in summary.values()
        document = Document(BytesIO(files["so-ket-tuan-2020-10-05-2020-10-11.docx"]
                                    .get_content()))
        header = "\n".join(p.text for cell in document.tables[0].rows[0].cells
                           for p in cell.paragraphs)
        assert "Số: 12/" in header and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
        assert len(document.inline_shapes) == 1
        # The chart still shows inline in the HTML, the text is still there.
        assert message.get_body(("html",)) is not None
        assert message.get_body(("plain",)) is not None
    english = load_workbook(BytesIO(next(
        part for part in by_reader["hung@backan.gov.vn"].iter_attachments()
        if part.get_filename().endswith(".xlsx")).get_content()))
    assert english.worksheets[0].title == "Summary"


def test_a_message_of_another_kind_has_no_attachments():
    review = build_week()
    review_mail.send_review(db.session, review, now=NOW)
    db.session.commit()
    message = db.session.query(OutboxMessage).first()
    assert len(review_mail.attached_files(db.session, message)) == 2
    message.kind = "reminder"
    assert review_mail.attached_files(db.session, message) == []
