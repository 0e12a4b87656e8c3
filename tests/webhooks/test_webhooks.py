"""Webhooks: events queued in the outbox at the one seam, signed deliveries checked by an
independent receiver, retries, a killed delivery, only http(s), the pause after a day."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from taskforce import jobs
from taskforce.extensions import db
from taskforce.models import (
    DeliveryAttempt,
    Notification,
    OutboxMessage,
    OutboxState,
    Position,
    Role,
    TaskStatus,
    WebhookSubscription,
)
from taskforce.models.types import utcnow
from taskforce.services import audit, notifications, webhook_events, webhooks
from taskforce.services.errors import DomainError
from taskforce.services.mail import delivery
from taskforce.services.mail.webhooks import WebhookTransport
from taskforce.services.reminders import plan_reminders
from taskforce.services.tasks import operations
from tests import factories
from tests.webhooks.receiver import Receiver, free_port

SECRET = "s3cret-shared-with-the-receiver"


def subscribe(url, events=webhook_events.EVENTS, **kw):
    admin = factories.user(role=Role.ADMIN)
    draft = webhooks.WebhookDraft(name=kw.pop("name", "Zalo"), url=url, secret=SECRET,
                                  events=tuple(events), **kw)
    subscription = webhooks.create(db.session, draft, actor=admin, now=utcnow())
    db.session.commit()
    return subscription


def deliveries():
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")
                              .order_by(OutboxMessage.id)).all()


def deliver(now=None):
    return webhooks.deliver(db.session, now=now or utcnow())


def test_a_notified_event_is_signed_and_verified_by_an_independent_receiver(app):
    with Receiver(SECRET) as receiver:
        subscription = subscribe(receiver.url)
        unit = factories.unit(name="Sở Tư pháp")
        task = factories.task(unit, title="Nâng cấp dịch vụ", status=TaskStatus.REPORTED)
        leader = factories.user(role=Role.LEADER)
        db.session.commit()
        operations.return_task(db.session, task, actor=leader, now=utcnow(),
                               today=date(2020, 12, 1), reason="Thiếu biên bản")
        db.session.commit()
        summary = deliver()
    assert summary.sent == 1
    [got] = receiver.received
    assert got["ok"], "the receiver's own HMAC check failed"
    assert got["headers"]["X-Taskforce-Event"] == "task.returned"
    assert got["headers"]["Content-Type"].startswith("application/json")
    body = got["json"]
    assert body["event"] == "task.returned" and body["id"] and body["occurred_at"]
    assert body["object"]["type"] == "task" and body["object"]["id"] == task.id
    assert body["object"]["title"] == "Nâng cấp dịch vụ"
    assert body["object"]["url"].endswith(f"/tasks/{task.id}")
    [row] = deliveries()
    assert row.state == OutboxState.SENT and row.webhook_id == subscription.id
    assert got["headers"]["X-Taskforce-Delivery"]


def test_a_wrong_secret_fails_the_receivers_check(app):
    with Receiver("another-secret-entirely") as receiver:
        subscribe(receiver.url)
        notifications.notify(db.session, [], kind="assigned", task=factories.task())
        db.session.commit()
        deliver()
    [got] = receiver.received
    assert not got["ok"]


def test_only_wanted_events_and_only_sending_subscriptions_are_queued(app):
    wants = subscribe("http://127.0.0.1:9/a", events=["task.accepted"], name="A")
    subscribe("http://127.0.0.1:9/b", events=["task.assigned"], name="B", active=False)
    task = factories.task()
    notifications.notify(db.session, [], kind="assigned", task=task)
    notifications.notify(db.session, [], kind="accepted", task=task)
    notifications.notify(db.session, [], kind="cancelled", task=task)  # not an event
    db.session.commit()
    assert [(row.subject, row.webhook_id) for row in deliveries()] == \
        [("task.accepted", wants.id)]


def test_audited_actions_are_events_too(app):
    subscribe("http://127.0.0.1:9/a", events=["claim.made", "import.done"])
    service = factories.service(factories.unit())
    change = factories.level_change(service, 4, date(2020, 6, 1), status="pending")
    audit.record(db.session, None, "claim.create", change, summary="1.001")
    audit.record(db.session, None, "usage.import", None, summary="usage.xlsx",
                 changes={"added": 3, "updated": 0})
    audit.record(db.session, None, "unit.update", factories.unit())  # not an event
    db.session.commit()
    rows = deliveries()
    assert [row.subject for row in rows] == ["claim.made", "import.done"]
    claim, imported = (json.loads(row.body_text)["object"] for row in rows)
    assert claim["type"] == "claim" and claim["id"] == change.id and claim["to_level"] == 4
    assert imported["type"] == "import" and imported["kind"] == "usage"
    assert imported["details"]["changes"] == {"added": 3, "updated": 0}


def test_a_rolled_back_change_enqueues_nothing(app):
    subscribe("http://127.0.0.1:9/a")
    task = factories.task()
    db.session.commit()
    notifications.notify(db.session, [], kind="assigned", task=task)
    assert len(deliveries()) == 1  # queued in the change's transaction…
    db.session.rollback()
    assert deliveries() == []  # …and gone with it


def test_the_receiver_down_then_up_is_delivered_at_the_next_pass(app):
    port = free_port()
    subscribe(f"http://127.0.0.1:{port}/hook")
    notifications.notify(db.session, [], kind="assigned", task=factories.task())
    db.session.commit()
    now = utcnow()
    first = deliver(now)  # nobody listens on the port
    assert (first.sent, first.retrying) == (0, 1)
    [row] = deliveries()
    assert row.state == OutboxState.PENDING and row.attempts == 1 and row.last_error
    assert deliver(now).sent == 0  # not due before its back-off
    with Receiver(SECRET, port=port) as receiver:
        second = deliver(now + timedelta(minutes=2))
    assert second.sent == 1
    assert [got["ok"] for got in receiver.received] == [True]
    db.session.refresh(row)
    assert row.state == OutboxState.SENT and row.attempts == 2


def test_an_error_status_is_retried(app):
    with Receiver(SECRET, status=503) as receiver:
        subscribe(receiver.url)
        notifications.notify(db.session, [], kind="assigned", task=factories.task())
        db.session.commit()
        assert deliver().retrying == 1
        receiver.status = 204
        assert deliver(utcnow() + timedelta(minutes=2)).sent == 1
    assert len(receiver.received) == 2
    # The same delivery id at each try, each signed afresh.
    assert len({got["headers"]["X-Taskforce-Delivery"] for got in receiver.received}) == 1
    assert all(got["ok"] for got in receiver.received)


class KilledAfterSending(WebhookTransport):
    """A sender whose process dies once the receiver has the delivery, before the commit."""

    def send(self, request, **kw):
        super().send(request, **kw)
        raise SystemExit("killed")


def test_a_killed_delivery_is_sent_again_marked_and_the_event_is_queued_once(app):
    with Receiver(SECRET) as receiver:
        subscribe(receiver.url)
        task = factories.task()
        db.session.commit()
        points = [(task.id, "overdue", date(2020, 12, 16))]
        webhook_events.reminded(db.session, points, {task.id: task}, now=utcnow())
        db.session.commit()
        now = utcnow()
        with pytest.raises(SystemExit):
            delivery.deliver_pending(db.session, now=now, transport=KilledAfterSending())
        db.session.rollback()
        # The planning runs again and reaches the same point: nothing more is queued.
        webhook_events.reminded(db.session, points, {task.id: task}, now=utcnow())
        db.session.commit()
        [row] = deliveries()
        assert row.state == OutboxState.SENDING
        later = now + timedelta(seconds=app.config["MAIL_SENDING_TIMEOUT"] + 1)
        summary = deliver(later)
    assert (summary.recovered, summary.sent) == (1, 1)
    [row] = deliveries()
    db.session.refresh(row)
    assert row.state == OutboxState.SENT and row.possibly_duplicate
    assert len(receiver.received) == 2
    # The receiver tells the repeat by its delivery id (and the event's id).
    assert len({got["headers"]["X-Taskforce-Delivery"] for got in receiver.received}) == 1
    assert len({got["json"]["id"] for got in receiver.received}) == 1
    assert receiver.received[0]["json"]["event"] == "task.overdue"


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd",
                                 "javascript:alert(1)", "example.org/hook", "http://",
                                 "gopher://127.0.0.1:70/"])
def test_only_http_and_https_urls_are_accepted(app, url):
    admin = factories.user(role=Role.ADMIN)
    draft = webhooks.WebhookDraft(name="X", url=url, secret=SECRET, events=("task.assigned",))
    with pytest.raises(DomainError) as refused:
        webhooks.create(db.session, draft, actor=admin, now=utcnow())
    assert refused.value.field == "url"
    assert "http://" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0


def test_a_url_changed_under_the_outbox_is_not_called(app):
    subscribe("http://127.0.0.1:9/a")
    notifications.notify(db.session, [], kind="assigned", task=factories.task())
    db.session.commit()
    [row] = deliveries()
    row.recipient = "file:///etc/passwd"
    db.session.commit()
    assert deliver().retrying == 1
    db.session.refresh(row)
    assert "http" in row.last_error


def test_only_an_admin_manages_webhooks(app):
    leader = factories.user(role=Role.LEADER)
    draft = webhooks.WebhookDraft(name="X", url="https://example.org/h", secret=SECRET,
                                  events=("task.assigned",))
    with pytest.raises(DomainError):
        webhooks.create(db.session, draft, actor=leader, now=utcnow())


def test_a_subscription_failing_for_a_day_is_paused_and_the_admins_told(app):
    port = free_port()
    subscription = subscribe(f"http://127.0.0.1:{port}/hook")
    admin = factories.user(role=Role.ADMIN, email="quantri@stp.test")
    notifications.notify(db.session, [], kind="assigned", task=factories.task())
    db.session.commit()
    start = utcnow()
    deliver(start)
    assert subscription.paused_at is None
    deliver(start + timedelta(hours=12))
    db.session.refresh(subscription)
    assert subscription.paused_at is None  # half a day: not yet
    notifications.notify(db.session, [], kind="accepted", task=factories.task())
    db.session.commit()
    later = start + timedelta(days=1, minutes=5)
    deliver(later)
    db.session.refresh(subscription)
    assert subscription.paused_at is not None and not subscription.sending
    # Its waiting deliveries are failed (and may be sent again from the outbox).
    assert {row.state for row in deliveries()} == {OutboxState.FAILED}
    # The administrators are told: in the app and by e-mail.
    told = db.session.scalars(select(Notification).where(Notification.kind == "webhook_paused")
                              ).all()
    assert admin.id in {note.user_id for note in told}
    mail = db.session.scalars(select(OutboxMessage)
                              .where(OutboxMessage.kind == "webhook_paused")).all()
    assert "quantri@stp.test" in {row.recipient for row in mail}
    # No new event is queued while it is paused; a second check pauses nothing again.
    notifications.notify(db.session, [], kind="assigned", task=factories.task())
    assert webhooks.pause_failing(db.session, now=later + timedelta(hours=1)) == []
    db.session.commit()
    assert len(deliveries()) == 2


def test_a_success_resets_the_day_of_failures(app):
    port = free_port()
    subscription = subscribe(f"http://127.0.0.1:{port}/hook")
    notifications.notify(db.session, [], kind="assigned", task=factories.task())
    db.session.commit()
    start = utcnow()
    deliver(start)
    with Receiver(SECRET, port=port):
        deliver(start + timedelta(hours=20))
    notifications.notify(db.session, [], kind="accepted", task=factories.task())
    db.session.commit()
    deliver(start + timedelta(hours=21))
    deliver(start + timedelta(days=1, hours=2))
    db.session.refresh(subscription)
    assert subscription.paused_at is None
    attempts = db.session.scalar(select(func.count(DeliveryAttempt.id)))
    assert attempts == 4


def test_the_reminder_planning_sends_overdue_and_escalated_once(app):
    subscription = subscribe("http://127.0.0.1:9/a", events=["task.overdue", "task.escalated"])
    unit = factories.unit(name="Sở Tư pháp", focal_email="dau-moi@stp.test")
    factories.member(position=Position.LEADER, email="to-truong@tct.test")
    late = factories.task(unit, due_on=date(2020, 11, 9))  # 5 working days late on 16/11
    db.session.commit()
    monday = datetime(2020, 11, 16, 1, 0, tzinfo=UTC)
    plan_reminders(db.session, today=date(2020, 11, 16), now=monday)
    db.session.commit()
    plan_reminders(db.session, today=date(2020, 11, 16), now=monday)  # a second run
    db.session.commit()
    rows = deliveries()
    assert sorted(row.subject for row in rows) == ["task.escalated", "task.overdue"]
    assert {row.webhook_id for row in rows} == {subscription.id}
    assert {json.loads(row.body_text)["object"]["id"] for row in rows} == {late.id}


def test_the_delivery_job_and_command_send_the_webhooks(app, runner):
    with Receiver(SECRET) as receiver:
        subscribe(receiver.url)
        notifications.notify(db.session, [], kind="assigned", task=factories.task())
        db.session.commit()
        jobs.deliver_job(app)
        notifications.notify(db.session, [], kind="accepted", task=factories.task())
        db.session.commit()
        result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output and ("Webhook" in result.output)
    assert [got["json"]["event"] for got in receiver.received] == ["task.assigned",
                                                                   "task.accepted"]
    assert all(got["ok"] for got in receiver.received)
