"""User accounts."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.enums import Role
from taskforce.models.types import UTCDateTime, utcnow


def new_token():
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.VIEWER)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    is_verifier: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    calendar_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    failed_codes: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The time-step of the last authenticator code accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped["Unit | None"] = relationship(back_populates="officers")  # noqa: F821
    member: Mapped["Member | None"] = relationship(back_populates="user")  # noqa: F821

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        # The token is part of the id kept in the session cookie, so changing it ends every
        # session of this user, copies of the cookie included: the user loader checks it.
        return f"{self.id}:{self.session_token}"

    def end_sessions(self):
        self.session_token = new_token()

    def __repr__(self):
        return f"<User {self.email}>"


class RecoveryCode(db.Model):
    """A one-time code that replaces the authenticator app when it is lost (kept hashed)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
