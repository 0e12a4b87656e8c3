"""The admin outbox page: the list by state, a message with its tries, sending again."""

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import DeliveryAttempt, OutboxMessage, ReminderItem
from taskforce.services.mail import delivery, outbox, transports
from tests import factories
from tests.services.test_mail import queue

NOW = datetime(2020, 11, 16, 1, 0, tzinfo=UTC)


def test_the_list_shows_each_state_and_filters(client, login_as):
    login_as("admin", locale="en")
    pending, sent, failed = queue(3)
    sent.state, failed.state = "sent", "failed"
    failed.last_error = "SMTPRecipientsRefused: 550 No such user"
    db.session.commit()
    page = client.get("/admin/outbox").get_data(as_text=True)
    for row in (pending, sent, failed):
        assert row.subject in page
    assert "550 No such user" in page
    assert "written as an .eml file" in page  # no MAIL_SERVER in the tests
    only_failed = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert failed.subject in only_failed and pending.subject not in only_failed
    assert client.get("/admin/outbox?state=nonsense").status_code == 200


def test_an_empty_outbox_says_where_messages_come_from(client, login_as):
    login_as("admin", locale="en")
    assert "flask reminders plan" in client.get("/admin/outbox").get_data(as_text=True)


def test_the_list_costs_a_fixed_number_of_queries(client, login_as, count_queries):
    def cost():
        with count_queries() as queries:
            assert client.get("/admin/outbox").status_code == 200
        return queries.count

    login_as("admin", locale="en")
    queue(3)
    few = cost()
    queue(30, prefix="more")
    assert cost() == few


def test_a_message_shows_its_text_html_items_and_tries(app, client, login_as):
    login_as("admin", locale="en")
    unit = factories.unit(focal_email="dau-moi@stp.test")
    task = factories.task(unit, title="Nâng cấp thủ tục cấp phiếu lý lịch tư pháp")
    (message,) = queue(1)
    db.session.add(ReminderItem(task_id=task.id, recipient=message.recipient, kind="before_3",
                                point_on=NOW.date(), outbox_id=message.id))
    db.session.add(DeliveryAttempt(outbox_id=message.id, attempted_at=NOW, ok=False,
                                   error="ConnectionRefusedError: [Errno 111]"))
    db.session.commit()
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert message.body_text in page and "Errno 111" in page
    assert task.title in page and f"/tasks/{task.id}" in page
    assert "Send again" not in page  # only for failed messages
    body = client.get(f"/admin/outbox/{message.id}/body.html")
    assert body.get_data(as_text=True) == message.body_html
    assert "sandbox" in body.headers["Content-Security-Policy"]
    assert body.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_message_downloads_as_eml_with_its_stable_message_id(client, login_as):
    login_as("admin", locale="en")
    (message,) = queue(1)
    response = client.get(f"/admin/outbox/{message.id}.eml")
    parsed = email.message_from_bytes(response.data, policy=policy.default)
    assert response.mimetype == "message/rfc822"
    assert parsed["Message-ID"] == outbox.message_id(message.dedupe_key)
    assert parsed["Subject"] == message.subject


def test_a_delivered_file_shows_where_it_was_written(app, client, login_as):
    login_as("admin", locale="en")
    (message,) = queue(1)
    delivery.deliver_pending(db.session, now=NOW, transport=transports.transport_for(app.config))
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id).stored_path
    assert stored.endswith(".eml") and stored in page


def test_a_failed_message_can_be_sent_again(app, client, login_as):
    login_as("admin", locale="en")
    (message,) = queue(1)
    message.state, message.attempts = "failed", 8
    db.session.commit()
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "Send again" in page
    response = client.post(f"/admin/outbox/{message.id}/send-again", follow_redirects=True)
    assert "queued to be sent again" in response.get_data(as_text=True)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.state, message.attempts) == ("pending", 0)
    summary = delivery.deliver_pending(db.session, now=message.next_attempt_at + timedelta(
        seconds=1), transport=transports.transport_for(app.config))
    assert summary.sent == 1


def test_sending_again_a_message_that_did_not_fail_changes_nothing(client, login_as):
    login_as("admin", locale="en")
    (message,) = queue(1)
    message.state = "sent"
    db.session.commit()
    response = client.post(f"/admin/outbox/{message.id}/send-again", follow_redirects=True)
    assert "Only a message that failed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.state)) == "sent"


@pytest.mark.parametrize("role", ["leader", "member", "unit_officer", "viewer"])
def test_only_administrators_see_the_outbox(client, login_as, role):
    login_as(role)
    (message,) = queue(1)
    assert client.get("/admin/outbox").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/send-again").status_code == 403


def test_an_unknown_message_is_not_found(client, login_as):
    login_as("admin", locale="en")
    assert client.get("/admin/outbox/999999").status_code == 404
