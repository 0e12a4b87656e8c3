"""Webhook subscriptions: a URL, its secret and the events it wants, delivered by the outbox."""

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.extensions import db
from taskforce.models.types import UTCDateTime, utcnow


class WebhookSubscription(db.Model):
    """A receiver of events: each event it wants becomes one signed outbox message."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(254))
    # The key of the HMAC-SHA256 signature; the receiver holds it too, so it is kept as typed.
    secret: Mapped[str] = mapped_column(String(128))
    # The event names it wants, separated by spaces (services/webhook_events.EVENTS).
    events: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when its deliveries failed for a day: no event is queued for it until it is resumed.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Failures are counted from here: when it was made, or last resumed after a pause.
    counted_from: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def event_names(self):
        return tuple(self.events.split())

    @property
    def sending(self):
        """Whether events are queued for it now (active and not paused)."""
        return self.active and self.paused_at is None
