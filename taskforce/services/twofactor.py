"""Two-factor log-in with authenticator apps (TOTP) and one-time recovery codes."""

import hashlib
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from taskforce.models import RecoveryCode
from taskforce.models.types import utcnow
from taskforce.services import accounts, audit
from taskforce.services.errors import DomainError

RECOVERY_CODES = 10


def new_secret():
    return pyotp.random_base32()


def is_required(user):
    """Whether the configuration makes this user's role use an authenticator app."""
    return user.role in current_app.config["TOTP_REQUIRED_ROLES"]


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email,
                                              issuer_name=current_app.config["TOTP_ISSUER"])


def qr_svg(uri):
    """The QR code of ``uri`` as an SVG data URI, for an <img> the CSP allows."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _hash(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _check_totp(secret, code):
    code = (code or "").replace(" ", "")
    return code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


def enable(session, user, *, secret, code):
    """Turn two-factor log-in on after the first code from the app; return recovery codes."""
    if not _check_totp(secret, code):
        raise DomainError(_("The code is not correct. Check the time on your phone and try "
                            "again."), field="code")
    user.totp_secret = secret
    codes = _new_recovery_codes(session, user)
    audit.record(session, user, "user.2fa_on", user, summary=user.email)
    return codes


def disable(session, user, *, actor):
    """Turn two-factor log-in off and forget the recovery codes."""
    if is_required(user) and actor is not None and actor.id == user.id:
        raise DomainError(_("Your role must use two-factor log-in."), field="code")
    user.totp_secret = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.end_sessions()
    audit.record(session, actor, "user.2fa_off", user, summary=user.email)


def turn_off(session, user, *, password):
    """Turn the user's own two-factor log-in off once their password confirms it is them."""
    if not accounts.check_password(user, password):
        raise DomainError(_("The password is not correct."), field="password")
    disable(session, user, actor=user)


def _new_recovery_codes(session, user):
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def verify(session, user, code, now=None):
    """Accept a current TOTP code or an unused recovery code (which is then used up)."""
    if user.totp_secret and _check_totp(user.totp_secret, code):
        return True
    row = session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code or ""),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now or utcnow()
    return True
