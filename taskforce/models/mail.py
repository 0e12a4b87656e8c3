"""Workflow e-mail: each address's language and delivery choice, and what waits for a digest."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.extensions import db
from taskforce.models.enums import MailMode
from taskforce.models.types import UTCDateTime, utcnow


class MailPreference(db.Model):
    """The language and delivery choice of one address: a user's or a unit's."""

    __tablename__ = "mail_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    mode: Mapped[str] = mapped_column(String(20), default=MailMode.DIGEST)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestEntry(db.Model):
    """One workflow e-mail kept for its address's next daily digest, already in its language.

    ``outbox_id`` is set when a digest takes it; the pending ones have none.
    """

    __tablename__ = "mail_digest_entries"
    __table_args__ = (Index("ix_mail_digest_entries_pending", "outbox_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(30))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
