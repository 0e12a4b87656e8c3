"""The webhook pages: register, change, remove with confirmation, test send; bad input
refused where it was typed, with nothing changed."""

from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, OutboxMessage, WebhookSubscription
from taskforce.models.types import utcnow

SECRET = "a-secret-of-some-length"
GOOD = {"name": "Cổng Zalo tỉnh", "url": "https://zalo.example.gov.vn/hook", "secret": SECRET,
        "events": ["task.assigned", "task.overdue"], "active": "y"}


def count():
    return db.session.scalar(select(func.count(WebhookSubscription.id)))


def make(**kw):
    row = WebhookSubscription(name=kw.get("name", "Zalo"),
                              url=kw.get("url", "http://127.0.0.1:9/h"), secret=SECRET,
                              events=kw.get("events", "task.assigned"))
    db.session.add(row)
    db.session.commit()
    return row


def test_an_admin_registers_a_webhook(client, login_as):
    login_as("admin", locale="en")
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "Register a webhook" in page.get_data(as_text=True)
    response = client.post("/admin/webhooks", data=GOOD)
    assert response.status_code == 302
    row = db.session.scalars(select(WebhookSubscription)).one()
    assert (row.name, row.url, row.secret) == (GOOD["name"], GOOD["url"], SECRET)
    assert row.event_names == ("task.assigned", "task.overdue") and row.active
    assert response.headers["Location"].endswith(f"/admin/webhooks/{row.id}")
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "webhook.create")) == 1


def bad(client, data, url="/admin/webhooks"):
    response = client.post(url, data=data)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    assert "invalid-feedback" in html or "alert-danger" in html
    return html


def test_bad_input_is_refused_where_typed_and_nothing_is_made(client, login_as):
    login_as("admin", locale="en")
    cases = [
        ({**GOOD, "url": "ftp://example.org/hook"}, "http://"),
        ({**GOOD, "url": "file:///etc/passwd"}, "http://"),
        ({**GOOD, "url": "example.org/hook"}, "http://"),
        ({**GOOD, "url": "https://example.org/" + "x" * 300}, ""),
        ({**GOOD, "secret": "short"}, "16"),
        ({**GOOD, "secret": ""}, "16"),
        ({**GOOD, "events": []}, ""),
        ({**GOOD, "events": ["task.deleted"]}, ""),
        ({**GOOD, "name": ""}, ""),
        ({**GOOD, "name": "n" * 101}, ""),
    ]
    for data, text in cases:
        html = bad(client, data)
        assert text in html, data
    assert count() == 0


def test_an_edit_keeps_the_secret_when_left_empty_and_bad_input_changes_nothing(
        client, login_as):
    login_as("admin", locale="en")
    row = make()
    page = client.get(f"/admin/webhooks/{row.id}")
    assert page.status_code == 200
    assert SECRET not in page.get_data(as_text=True)  # never shown again
    response = client.post(f"/admin/webhooks/{row.id}",
                           data={**GOOD, "secret": "", "url": "http://127.0.0.1:8/x"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert row.secret == SECRET and row.url == "http://127.0.0.1:8/x"
    html = bad(client, {**GOOD, "url": "javascript:alert(1)"}, url=f"/admin/webhooks/{row.id}")
    assert "http://" in html
    db.session.expire_all()
    assert db.session.get(WebhookSubscription, row.id).url == "http://127.0.0.1:8/x"


def test_saving_a_paused_webhook_as_active_resumes_it(client, login_as):
    login_as("admin")
    row = make()
    row.paused_at = utcnow()
    db.session.commit()
    assert "alert-warning" in client.get(f"/admin/webhooks/{row.id}").get_data(as_text=True)
    client.post(f"/admin/webhooks/{row.id}", data={**GOOD, "secret": ""})
    db.session.refresh(row)
    assert row.paused_at is None and row.sending


def test_remove_asks_first_and_removes_on_confirmation(client, login_as):
    login_as("admin")
    row = make()
    page = client.get(f"/admin/webhooks/{row.id}/delete")
    assert page.status_code == 200 and row.url in page.get_data(as_text=True)
    assert count() == 1  # asking changed nothing
    # Without the form's CSRF token (a forged request) nothing is removed.
    app_csrf = client.application.config.get("WTF_CSRF_ENABLED")
    if app_csrf:
        assert client.post(f"/admin/webhooks/{row.id}/delete", data={}).status_code in (200, 400)
        assert count() == 1
    response = client.post(f"/admin/webhooks/{row.id}/delete", data={"submit": "Remove"})
    assert response.status_code == 302
    assert count() == 0
    assert client.get(f"/admin/webhooks/{row.id}/delete").status_code == 404


def test_the_test_button_queues_a_ping_for_that_webhook_only(client, login_as):
    login_as("admin")
    row = make()
    other = make(name="Other", url="http://127.0.0.1:9/other")
    response = client.post(f"/admin/webhooks/{row.id}/test")
    assert response.status_code == 302
    [ping] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook"))
    assert ping.subject == "ping" and ping.webhook_id == row.id
    assert other.id != ping.webhook_id
    page = client.get(f"/admin/webhooks/{row.id}").get_data(as_text=True)
    assert f"/admin/outbox/{ping.id}" in page  # its delivery, linked to the outbox
    assert client.post("/admin/webhooks/999999/test").status_code == 404


def test_other_roles_are_refused(client, login_as):
    row = make()
    login_as("leader")
    assert client.get("/admin/webhooks").status_code == 403
    assert client.post("/admin/webhooks", data=GOOD).status_code == 403
    assert client.post(f"/admin/webhooks/{row.id}/delete", data={}).status_code == 403
    assert count() == 1


def test_a_failed_delivery_shows_on_the_outbox_page_and_is_sent_again(client, login_as):
    login_as("admin", locale="en")
    row = make()
    client.post(f"/admin/webhooks/{row.id}/test")
    ping = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")).one()
    ping.state, ping.attempts, ping.last_error = "failed", 8, "HTTP 500 Internal Server Error"
    db.session.commit()
    listing = client.get("/admin/outbox?state=failed").get_data(as_text=True)
    assert row.url in listing and f"/admin/outbox/{ping.id}" in listing
    detail = client.get(f"/admin/outbox/{ping.id}").get_data(as_text=True)
    assert f"/admin/webhooks/{row.id}" in detail and "HTTP 500" in detail
    assert '"event": "ping"' in detail.replace("&#34;", '"')
    assert client.post(f"/admin/outbox/{ping.id}/send-again").status_code == 302
    db.session.refresh(ping)
    assert (ping.state, ping.attempts) == ("pending", 0)
