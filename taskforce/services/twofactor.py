"""Two-factor log-in with authenticator apps (TOTP) and one-time recovery codes."""

import hashlib
import hmac
import secrets

import pyotp
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from taskforce.models import RecoveryCode, User
from taskforce.models.types import utcnow
from taskforce.services import accounts, audit
from taskforce.services.errors import DomainError

RECOVERY_CODES = 10
# Codes of the step before and after the current one are accepted: phones' clocks drift.
WINDOW = 1


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
    import segno  # imported by the process that shows a QR code

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _hash(code):
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _totp_step(secret, code, now):
    """The time-step whose code is ``code``, within WINDOW steps of ``now``'s, or None."""
    code = (code or "").replace(" ", "")
    if not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def enable(session, user, *, secret, code, now=None):
    """Turn two-factor log-in on after the first code from the app; return recovery codes.

    Every session of the account ends (the caller logs the current one in again), and the
    code given here cannot log in afterwards.
    """
    step = _totp_step(secret, code, now or utcnow())
    if step is None:
        raise DomainError(_("The code is not correct. Check the time on your phone and try "
                            "again."), field="code")
    user.totp_secret = secret
    user.totp_last_step = step
    user.failed_codes = 0
    codes = _new_recovery_codes(session, user)
    user.end_sessions()
    audit.record(session, user, "user.2fa_on", user, summary=user.email)
    return codes


def disable(session, user, *, actor):
    """Turn two-factor log-in off and forget the recovery codes."""
    if is_required(user) and actor is not None and actor.id == user.id:
        raise DomainError(_("Your role must use two-factor log-in."), field="code")
    user.totp_secret = None
    user.totp_last_step = None
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
    """Accept an authenticator code not used before, or an unused recovery code.

    A code is refused unless its time-step is newer than the last one accepted, so a code
    seen over a shoulder or relayed cannot log in twice. Wrong codes count against the
    account like wrong passwords: LOGIN_MAX_FAILURES of them lock it (accounts.lock), and
    a locked account accepts no code at all.
    """
    now = now or utcnow()
    if accounts.is_locked(user, now):
        return False
    if _use_totp(session, user, code, now) or _use_recovery_code(session, user, code, now):
        user.failed_codes = 0
        return True
    _count_failure(user, now)
    return False


def _use_totp(session, user, code, now):
    step = _totp_step(user.totp_secret, code, now) if user.totp_secret else None
    if step is None:
        return False
    # One conditional update: of two requests racing with the same code, one wins.
    result = session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _use_recovery_code(session, user, code, now):
    row = session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code or ""),
        RecoveryCode.used_at.is_(None)))
    if row is None:
        return False
    row.used_at = now
    return True


def _count_failure(user, now):
    user.failed_codes += 1
    if user.failed_codes >= current_app.config["LOGIN_MAX_FAILURES"]:
        accounts.lock(user, now)
        user.failed_codes = 0
