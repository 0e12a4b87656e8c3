"""The delivery pass without an SMTP server: messages, .eml files, back-off, recovery."""

import email
import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

import config
from config import TestingConfig
from taskforce import create_app
from taskforce.extensions import db
from taskforce.models import AuditEvent, DeliveryAttempt, OutboxMessage
from taskforce.services import review_mail, reviews
from taskforce.services.errors import DomainError
from taskforce.services.mail import delivery, outbox, transports
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.transports import FileTransport, SMTPTransport
from tests import factories

NOW = datetime(2020, 11, 16, 1, 0, tzinfo=UTC)


def queue(count=3, *, at=NOW, prefix="test"):
    """Outbox rows as the planning pass makes them, due at ``at``."""
    rows = [OutboxMessage(dedupe_key=f"{prefix}:{n}", kind="reminder",
                          recipient=f"nguoi-nhan-{n}@stp.test", locale="vi",
                          subject=f"Nhắc việc: nhiệm vụ số {n} sắp đến hạn",
                          body_text=f"Nội dung nhắc việc số {n}",
                          body_html=f"<p>Nội dung nhắc việc số <b>{n}</b></p>",
                          created_at=at, next_attempt_at=at)
            for n in range(1, count + 1)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reload(message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def attempts(message):
    return db.session.scalars(select(DeliveryAttempt).where(
        DeliveryAttempt.outbox_id == message.id).order_by(DeliveryAttempt.id)).all()


def test_message_id_is_stable_and_built_from_the_key():
    first = outbox.message_id("reminder:a@b.test:2020-11-16:1")
    assert first == outbox.message_id("reminder:a@b.test:2020-11-16:1")
    assert first != outbox.message_id("reminder:a@b.test:2020-11-16:2")
    assert first.startswith("<") and first.endswith("@taskforce>") and len(first) == 44


def test_the_message_has_text_html_and_the_headers(app):
    (row,) = queue(1)
    built = outbox.build_message(db.session, row, sender="to-cong-tac@taskforce.test")
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Nhắc việc: nhiệm vụ số 1 sắp đến hạn"
    assert parsed["To"] == "nguoi-nhan-1@stp.test"
    assert parsed["Message-ID"] == outbox.message_id("test:1")
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed.get_body(("plain",)).get_content().strip() == "Nội dung nhắc việc số 1"
    assert "<b>1</b>" in parsed.get_body(("html",)).get_content()


def test_without_a_server_each_message_is_written_once_as_an_eml_file(app, tmp_path):
    rows = queue(3)
    transport = transports.transport_for(app.config)
    assert isinstance(transport, FileTransport)
    assert transport.directory == Path(app.config["MAIL_OUTBOX_DIR"])
    summary = deliver_pending(db.session, now=NOW, transport=transport)
    assert (summary.sent, summary.retrying, summary.failed) == (3, 0, 0)
    files = sorted(transport.directory.glob("*.eml"))
    assert len(files) == 3
    for row in rows:
        row = reload(row)
        assert row.state == "sent" and row.attempts == 1 and row.stored_path
        parsed = email.message_from_bytes(Path(row.stored_path).read_bytes(),
                                          policy=policy.default)
        assert parsed["To"] == row.recipient and parsed["Subject"] == row.subject
        assert [a.ok for a in attempts(row)] == [True]
    again = deliver_pending(db.session, now=NOW + timedelta(hours=1), transport=transport)
    assert again.sent == 0 and len(list(transport.directory.glob("*.eml"))) == 3


def test_the_configured_server_gives_an_smtp_transport(make_app):
    app = make_app(MAIL_SERVER="smtp.example.gov.vn", MAIL_PORT=587, MAIL_USE_TLS=True,
                   MAIL_USERNAME="to-cong-tac", MAIL_PASSWORD="secret")
    transport = transports.transport_for(app.config)
    assert isinstance(transport, SMTPTransport)
    assert (transport.host, transport.port, transport.use_tls) == ("smtp.example.gov.vn", 587,
                                                                    True)
    context = transport.ssl_context()
    assert context.verify_mode.name == "CERT_REQUIRED" and context.check_hostname


def test_an_unreachable_server_backs_off_then_fails(make_app):
    app = make_app(MAIL_MAX_ATTEMPTS=4)
    with app.app_context():
        (row,) = queue(1)
        transport = SMTPTransport("127.0.0.1", closed_port(), timeout=5)
        now = NOW
        waits = []
        for _ in range(4):
            summary = deliver_pending(db.session, now=now, transport=transport)
            assert summary.sent == 0 and summary.stopped
            row = reload(row)
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
        assert row.state == "failed" and row.attempts == 4
        assert "ConnectionRefusedError" in row.last_error
        assert [round(w.total_seconds() / 60) for w in waits[:3]] == [1, 2, 4]
        assert [a.ok for a in attempts(row)] == [False] * 4
        later = deliver_pending(db.session, now=now + timedelta(days=1), transport=transport)
        assert later.sent == later.failed == later.retrying == 0
        db.session.rollback()


def test_a_connection_failure_leaves_the_other_messages_untried(app):
    rows = queue(3)
    deliver_pending(db.session, now=NOW, transport=SMTPTransport("127.0.0.1", closed_port()))
    assert [reload(r).attempts for r in rows] == [1, 0, 0]
    assert [reload(r).state for r in rows] == ["pending"] * 3


def test_messages_not_yet_due_wait(app):
    (row,) = queue(1, at=NOW + timedelta(minutes=5))
    summary = deliver_pending(db.session, now=NOW, transport=transports.transport_for(app.config))
    assert summary.sent == 0 and reload(row).state == "pending"


def test_a_message_left_sending_by_a_dead_process_goes_back_to_the_queue(app):
    stuck, busy = queue(2)
    stuck.state = busy.state = "sending"
    stuck.next_attempt_at = NOW - timedelta(seconds=1)  # its claim ran out
    busy.next_attempt_at = NOW + timedelta(minutes=5)   # still being sent by someone
    db.session.commit()
    summary = deliver_pending(db.session, now=NOW, transport=transports.transport_for(app.config))
    assert (summary.recovered, summary.sent) == (1, 1)
    stuck, busy = reload(stuck), reload(busy)
    assert stuck.state == "sent" and stuck.attempts == 2
    assert [(a.ok, a.error) for a in attempts(stuck)] == [(False, delivery.INTERRUPTED),
                                                          (True, None)]
    assert busy.state == "sending" and attempts(busy) == []


def test_two_sessions_never_claim_the_same_message(app, make_app):
    rows = queue(5)
    other = make_app()
    claimed = []
    for turn in range(3):
        if turn % 2:
            with other.app_context():
                claimed.append([row.id for row in delivery.claim(db.session, now=NOW, limit=2)])
                db.session.commit()
        else:
            claimed.append([row.id for row in delivery.claim(db.session, now=NOW, limit=2)])
            db.session.commit()
    assert [len(ids) for ids in claimed] == [2, 2, 1]  # never more than the limit
    assert sorted(sum(claimed, [])) == sorted(r.id for r in rows)
    assert delivery.claim(db.session, now=NOW) == []
    assert {reload(r).state for r in rows} == {"sending"}


def test_messages_claimed_but_not_tried_go_back_to_the_queue(app):
    rows = queue(3)
    deliver_pending(db.session, now=NOW, transport=SMTPTransport("127.0.0.1", closed_port()))
    assert [(reload(r).state, reload(r).attempts) for r in rows] == \
        [("pending", 1), ("pending", 0), ("pending", 0)]
    # The one tried waits a minute; the others are due at once, as before the pass.
    assert [reload(r).next_attempt_at - NOW >= timedelta(minutes=1) for r in rows] == \
        [True, False, False]


def test_a_claim_running_out_is_extended_while_the_pass_goes_on(app, monkeypatch):
    rows = queue(3)
    timeout = app.config["MAIL_SENDING_TIMEOUT"]
    seen = []

    class SlowServer:
        """Each message takes two thirds of the claim: the third would be taken back."""

        def open(self):
            return self

        def send(self, email, *, sender, recipient, key):
            clock.now += timedelta(seconds=timeout * 2 / 3)
            ends = db.session.scalars(select(OutboxMessage.next_attempt_at)
                                      .where(OutboxMessage.state == "sending")).all()
            seen.append((clock.now, ends))

        def close(self):
            pass

    class clock:  # noqa: N801 - stands in for delivery._Clock
        now = NOW

        def __init__(self, now):
            pass

        def __call__(self):
            return clock.now

    monkeypatch.setattr(delivery, "_Clock", clock)
    summary = deliver_pending(db.session, now=NOW, transport=SlowServer())
    assert summary.sent == 3
    # Whenever a message is sent, no claim of this pass has run out.
    assert [len(ends) for _at, ends in seen] == [3, 2, 1]
    assert all(end > at for at, ends in seen for end in ends)
    assert {reload(r).state for r in rows} == {"sent"}


def test_only_a_failed_message_can_be_sent_again(app):
    admin = factories.user(role="admin")
    failed, sent = queue(2)
    failed.state, failed.attempts, failed.last_error = "failed", 8, "SMTPDataError: 554"
    sent.state = "sent"
    db.session.commit()
    outbox.send_again(db.session, failed, actor=admin, now=NOW + timedelta(days=1))
    db.session.commit()
    failed = reload(failed)
    assert (failed.state, failed.attempts) == ("pending", 0)
    assert failed.next_attempt_at == NOW + timedelta(days=1)
    assert db.session.scalar(select(AuditEvent.action)) == "outbox.send_again"
    with pytest.raises(DomainError):
        outbox.send_again(db.session, reload(sent), actor=admin, now=NOW)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"MAIL_PORT": "abc"}, "MAIL_PORT must be a whole number from 1 to 65535"),
    ({"MAIL_PORT": 70000}, "MAIL_PORT must be a whole number from 1 to 65535"),
    ({"MAIL_USE_TLS": True, "MAIL_USE_SSL": True}, "cannot both be on"),
    ({"MAIL_SERVER": "smtp://mail.example.gov.vn"}, "MAIL_SERVER must be a host name"),
    ({"MAIL_USERNAME": "to-cong-tac"}, "MAIL_USERNAME and MAIL_PASSWORD must be set together"),
    ({"MAIL_SERVER": "smtp.example.gov.vn", "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p"},
     "password would cross the network in clear"),
    ({"MAIL_DEFAULT_SENDER": "tổ công tác"}, "MAIL_DEFAULT_SENDER must be an e-mail address"),
    ({"MAIL_MAX_ATTEMPTS": 0}, "MAIL_MAX_ATTEMPTS must be a whole number from 1 to 30"),
    ({"MAIL_CA_FILE": "/nonexistent/ca.pem"}, "MAIL_CA_FILE"),
    ({"MAIL_SENDING_TIMEOUT": 60, "MAIL_TIMEOUT": 30}, "at least six times MAIL_TIMEOUT"),
    ({"REMINDER_DAYS_BEFORE": "7, 3, x"}, "Reminder settings: 'x' is not a number"),
    ({"REMINDER_OVERDUE_EVERY": -1}, "REMINDER_OVERDUE_EVERY must be a whole number"),
])
def test_malformed_mail_settings_are_refused_at_start(overrides, message):
    with pytest.raises(RuntimeError, match=message):
        create_app(TestingConfig, **overrides)


def test_good_mail_settings_start(tmp_path):
    app = create_app(TestingConfig, MAIL_SERVER="smtp.example.gov.vn", MAIL_PORT="465",
                     MAIL_USE_SSL=True, MAIL_USERNAME="u", MAIL_PASSWORD="p",
                     INSTANCE_DIR=str(tmp_path))
    assert app.config["MAIL_PORT"] == "465"


def test_a_port_that_is_not_a_number_in_the_environment_is_named(monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "hai mươi lăm")
    with pytest.raises(RuntimeError, match="MAIL_PORT must be a whole number"):
        config.env_int("MAIL_PORT", 25)


def test_a_review_message_carries_its_chart_as_an_inline_image(app):
    factories.member(email="thanh-vien@tct.test")
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 1),
                                  end=date(2020, 10, 31), now=NOW)
    review_mail.send_review(db.session, review, now=NOW)
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "review"))
    built = outbox.build_message(db.session, message, sender="to-cong-tac@taskforce.test")
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == f"<{review_mail.CHART_CID}>"
    assert images[0].get_content().startswith(b"\x89PNG")
    assert f"cid:{review_mail.CHART_CID}" in parsed.get_body(("html",)).get_content()


def test_each_kind_of_message_gets_the_inline_images_of_its_provider(app, monkeypatch):
    [message] = queue(1)
    monkeypatch.setitem(outbox.IMAGE_PROVIDERS, "reminder",
                        lambda _session, row: [(f"dot-{row.id}@test", b"\x89PNG dot")])
    built = outbox.build_message(db.session, message, sender="to-cong-tac@taskforce.test")
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    images = [part for part in parsed.walk() if part.get_content_type() == "image/png"]
    assert [part["Content-ID"] for part in images] == [f"<dot-{message.id}@test>"]
    monkeypatch.delitem(outbox.IMAGE_PROVIDERS, "reminder")
    assert outbox.inline_images(db.session, message) == []


def test_the_application_registers_the_review_chart_without_the_mailer_importing_it(tmp_path):
    code = ("from config import TestingConfig\nfrom taskforce import create_app\n"
            "from taskforce.services.mail import outbox\n"
            "assert outbox.IMAGE_PROVIDERS == {}\n"
            f"create_app(TestingConfig, INSTANCE_DIR={str(tmp_path)!r})\n"
            "print(sorted(outbox.IMAGE_PROVIDERS))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['review']"
