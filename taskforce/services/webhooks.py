"""Webhook subscriptions: registered, changed and removed by an administrator, a test send,
and the pause of a subscription whose deliveries failed for a day.

The events themselves are queued by ``webhook_events``; the deliveries are outbox rows sent
by the delivery pass with ``mail/webhooks.WebhookTransport``.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from taskforce.models import (
    DeliveryAttempt,
    Notification,
    OutboxMessage,
    OutboxState,
    Role,
    User,
    WebhookSubscription,
)
from taskforce.permissions import can
from taskforce.services import audit, webhook_events
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.inserts import insert_missing
from taskforce.services.mail import delivery
from taskforce.services.mail.webhooks import WebhookTransport, is_web_url
from taskforce.services.text import clean

NAME_MAX = 100
URL_MAX = 254
SECRET_MIN, SECRET_MAX = 16, 128
# A subscription whose deliveries have failed, without one success, for this long is paused.
FAILING_FOR = timedelta(days=1)
PAUSED_KIND = "webhook_paused"
PAUSED_ERROR = "not sent: the subscription was paused after a day of failures"


@dataclass(frozen=True)
class WebhookDraft:
    """What the form typed: ``secret`` empty on an edit keeps the one stored."""

    name: str
    url: str
    secret: str
    events: tuple
    active: bool = True


def _guard(actor):
    if actor is None or not can(actor, "webhooks.manage"):
        raise PermissionDenied(_("You may not manage webhooks."))


def check(draft, *, new):
    """The draft's values cleaned, or a DomainError on the field that is wrong."""
    name = clean(draft.name or "")
    if not name:
        raise DomainError(_("Give the webhook a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("The name is longer than %(n)s characters.", n=NAME_MAX),
                          field="name")
    url = (draft.url or "").strip()
    if not is_web_url(url):
        raise DomainError(_("Only http:// and https:// addresses can receive webhooks."),
                          field="url")
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        raise DomainError(_("The address must be one line of at most %(n)s characters.",
                            n=URL_MAX), field="url")
    secret = (draft.secret or "").strip()
    if (new or secret) and not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise DomainError(_("The secret must be %(low)s to %(high)s characters long.",
                            low=SECRET_MIN, high=SECRET_MAX), field="secret")
    events = tuple(dict.fromkeys(draft.events or ()))
    if not events:
        raise DomainError(_("Choose at least one event."), field="events")
    unknown = [event for event in events if event not in webhook_events.EVENTS]
    if unknown:
        raise DomainError(_("Unknown event: %(name)s.", name=unknown[0]), field="events")
    return {"name": name, "url": url, "secret": secret, "events": " ".join(events),
            "active": bool(draft.active)}


def subscriptions(session):
    return session.scalars(select(WebhookSubscription)
                           .order_by(WebhookSubscription.name, WebhookSubscription.id)).all()


def deliveries_of(session, subscription, limit=20):
    """The subscription's latest deliveries in the outbox, newest first."""
    return session.scalars(select(OutboxMessage)
                           .where(OutboxMessage.webhook_id == subscription.id)
                           .order_by(OutboxMessage.id.desc()).limit(limit)).all()


def create(session, draft, *, actor, now):
    _guard(actor)
    values = check(draft, new=True)
    subscription = WebhookSubscription(created_at=now, counted_from=now, **values)
    session.add(subscription)
    session.flush()
    audit.record(session, actor, "webhook.create", subscription, now=now,
                 summary=subscription.url)
    return subscription


def update_subscription(session, subscription, draft, *, actor, now):
    _guard(actor)
    values = check(draft, new=False)
    if not values["secret"]:
        del values["secret"]
    changes = audit.diff(subscription, {k: v for k, v in values.items() if k != "secret"})
    if "secret" in values and values["secret"] != subscription.secret:
        changes["secret"] = ["…", "…"]
    resumed = values["active"] and subscription.paused_at is not None
    for key, value in values.items():
        setattr(subscription, key, value)
    if resumed:
        # Saved as active again: resumed, its failures counted afresh from now.
        subscription.paused_at = None
        subscription.counted_from = now
        changes["paused_at"] = [True, False]
    session.flush()
    audit.record(session, actor, "webhook.update", subscription, now=now,
                 summary=subscription.url, changes=changes)
    return subscription


def delete(session, subscription, *, actor, now):
    """Remove a subscription; its deliveries stay in the outbox, those not sent yet failed."""
    _guard(actor)
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.webhook_id == subscription.id,
                           OutboxMessage.state == OutboxState.PENDING)
                    .values(state=OutboxState.FAILED, last_error="the subscription was deleted")
                    .execution_options(synchronize_session=False))
    audit.record(session, actor, "webhook.delete", subscription, now=now,
                 summary=subscription.url)
    session.delete(subscription)
    session.flush()


def test_send(session, subscription, *, actor, now):
    """Queue a ``ping`` event for this subscription alone; the outbox row's id."""
    _guard(actor)
    if not is_web_url(subscription.url):
        raise DomainError(_("Only http:// and https:// addresses can receive webhooks."))
    webhook_events.emit(session, webhook_events.PING, None, now=now,
                        details={"subscription": subscription.id, "name": subscription.name},
                        subscriptions=[subscription])
    audit.record(session, actor, "webhook.test", subscription, now=now,
                 summary=subscription.url)
    return session.scalar(select(func.max(OutboxMessage.id))
                          .where(OutboxMessage.webhook_id == subscription.id))


def deliver(session, *, now, transport=None):
    """The webhook channel's delivery pass, then the pause of those failing for a day.

    Like ``delivery.deliver_pending`` it commits (each delivery's outcome, then the pauses).
    """
    summary = delivery.deliver_pending(session, now=now,
                                       transport=transport or WebhookTransport())
    pause_failing(session, now=now)
    session.commit()
    return summary


# A day of failures ----------------------------------------------------------------------------

def failing_since(session, subscription):
    """The first failed try after the subscription's last success (or since it was made or
    resumed), or None when it is not failing."""
    tries = (select(DeliveryAttempt.attempted_at, DeliveryAttempt.ok)
             .join(OutboxMessage, OutboxMessage.id == DeliveryAttempt.outbox_id)
             .where(OutboxMessage.webhook_id == subscription.id).subquery())
    last_ok = session.scalar(select(func.max(tries.c.attempted_at))
                             .where(tries.c.ok.is_(True)))
    since = max(value for value in (last_ok, subscription.counted_from) if value is not None)
    return session.scalar(select(func.min(tries.c.attempted_at))
                          .where(tries.c.ok.is_(False), tries.c.attempted_at > since))


def pause_failing(session, *, now):
    """Pause the subscriptions whose deliveries have failed for a day, tell the administrators
    (in the app and by e-mail) and fail their waiting deliveries; the paused ones."""
    paused = []
    for subscription in session.scalars(select(WebhookSubscription)
                                        .where(WebhookSubscription.active.is_(True),
                                               WebhookSubscription.paused_at.is_(None))):
        since = failing_since(session, subscription)
        if since is None or now - since < FAILING_FOR:
            continue
        subscription.paused_at = now
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.webhook_id == subscription.id,
                               OutboxMessage.state == OutboxState.PENDING)
                        .values(state=OutboxState.FAILED, last_error=PAUSED_ERROR)
                        .execution_options(synchronize_session=False))
        audit.record(session, None, "webhook.pause", subscription, now=now,
                     summary=subscription.url)
        _tell_admins(session, subscription, since, now=now)
        paused.append(subscription)
    session.flush()
    return paused


def _tell_admins(session, subscription, since, *, now):
    admins = session.scalars(select(User).where(User.active.is_(True),
                                                User.role == Role.ADMIN)).all()
    shown = f"{subscription.name} ({subscription.url})"
    session.add_all(Notification(user_id=admin.id, kind=PAUSED_KIND, task_id=None,
                                 message=shown, created_at=now) for admin in admins)
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/admin/webhooks/{subscription.id}"
    rows = []
    for admin in admins:
        if not admin.email:
            continue
        locale = admin.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(locale):
            subject = _("Webhook paused: %(name)s", name=subscription.name)
            body = _("The webhook %(name)s has failed every delivery since %(since)s and is "
                     "paused: no event is sent to it until it is saved as active again. Its "
                     "deliveries not yet sent are marked failed in the outbox, where they can "
                     "be sent again.", name=shown, since=since.strftime("%d/%m/%Y %H:%M UTC"))
        rows.append({"dedupe_key": f"{PAUSED_KIND}:{subscription.id}:{now.isoformat()}:"
                                   f"{admin.id}",
                     "kind": PAUSED_KIND, "recipient": admin.email,
                     "recipient_user_id": admin.id, "locale": locale, "subject": subject,
                     "body_text": f"{body}\n\n{link}\n", "body_html": None,
                     "state": OutboxState.PENDING, "attempts": 0, "next_attempt_at": now,
                     "created_at": now, "possibly_duplicate": False})
    if rows:
        insert_missing(session, OutboxMessage, rows, ["dedupe_key"])
