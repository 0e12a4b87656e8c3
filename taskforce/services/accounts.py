"""Accounts: creating users, checking passwords, changing them, deactivating."""

import contextlib
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from taskforce.models import Role, Unit, User
from taskforce.models.types import utcnow
from taskforce.services import audit
from taskforce.services.errors import DomainError
from taskforce.services.text import clean

# Argon2id at OWASP's recommended cost (19 MiB, 2 passes) rather than the library's 64 MiB:
# every log-in allocates this much, and a web worker must stay small (bench/RESULTS.md).
# Hashes made with other parameters still verify.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# A hash to verify against when the e-mail is unknown, so timing does not tell: made once with
# _hasher's parameters and written here, since hashing at import cost every process 40 ms and
# 19 MiB. Whatever it verifies, an unknown address is refused.
_DUMMY_HASH = ("$argon2id$v=19$m=19456,t=2,p=1$+ip1DCB/jt+iBkZMbxMzSw"
               "$9XP3AM+Xv3jOdMyfoQoBSqdHzLF9N6qoAsH4tc9wU8w")


@dataclass(frozen=True)
class UserDraft:
    """An account's details as typed in, before the rules check them.

    ``password`` empty keeps the current one when editing; ``email`` and ``locale`` count
    only when creating, ``active`` only when editing (an account is created active).
    """

    email: str
    full_name: str
    role: str
    password: str = ""
    unit_id: int | None = None
    is_verifier: bool = False
    active: bool = True
    locale: str | None = None


def hash_password(password):
    return _hasher.hash(password)


def check_password(user, password):
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email):
    """The e-mail address in canonical form, or a DomainError on the e-mail field."""
    email = (email or "").strip()
    if not email:
        raise DomainError(_("Enter an e-mail address."), field="email")
    from email_validator import EmailNotValidError, validate_email  # 20 ms: where it is used

    try:
        # test_environment admits the reserved .test domain used by the demo accounts.
        result = validate_email(email, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise DomainError(_("This is not a valid e-mail address."), field="email") from None
    return result.normalized.lower()


def check_new_password(password, field="password"):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise DomainError(
            _("The password must have at least %(n)d characters.", n=minimum), field=field
        )
    if len(password) > 256:
        raise DomainError(_("The password is too long."), field=field)


def list_users(session, *, include_inactive=False):
    """Accounts by name, for choosing one."""
    query = select(User).order_by(User.full_name)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return session.scalars(query).all()


def users_query():
    """Every account by name with its unit, for the administration's list."""
    return select(User).options(selectinload(User.unit)).order_by(User.full_name)


def pending_login(session, user_id, token):
    """The active account a half-finished log-in stands for, or None once its sessions ended."""
    user = session.get(User, user_id or 0)
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def find_by_email(session, email):
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _check_role_and_unit(session, role, unit_id):
    if role not in set(Role):
        raise DomainError(_("Unknown role."), field="role")
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise DomainError(_("Unknown unit."), field="unit_id")
    if role == Role.UNIT_OFFICER and unit_id is None:
        raise DomainError(_("A unit officer must belong to a unit."), field="unit_id")


def create_user(session, draft, *, actor=None):
    """Create an account; raise DomainError naming the field that is wrong."""
    email = normalise_email(draft.email)
    full_name = clean(draft.full_name)
    if not full_name:
        raise DomainError(_("Enter the person's name."), field="full_name")
    if find_by_email(session, email) is not None:
        raise DomainError(_("An account with this e-mail already exists."), field="email")
    check_new_password(draft.password)
    role, unit_id = draft.role, draft.unit_id
    _check_role_and_unit(session, role, unit_id)
    user = User(
        email=email,
        full_name=full_name,
        password_hash=hash_password(draft.password),
        role=Role(role),
        unit_id=unit_id if role == Role.UNIT_OFFICER else None,
        is_verifier=draft.is_verifier,
        locale=draft.locale,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", user, summary=email)
    return user


def update_user(session, user, draft, *, actor):
    """Change an account's name, role, unit, state and (when given) password.

    Deactivation and a new password end the account's sessions.
    """
    full_name = clean(draft.full_name)
    if not full_name:
        raise DomainError(_("Enter the person's name."), field="full_name")
    role, unit_id, active = draft.role, draft.unit_id, draft.active
    _check_role_and_unit(session, role, unit_id)
    if actor is not None and actor.id == user.id and (not active or role != user.role):
        raise DomainError(_("You cannot deactivate yourself or change your own role."),
                          field="role")
    values = {
        "full_name": full_name,
        "role": Role(role),
        "unit_id": unit_id if role == Role.UNIT_OFFICER else None,
        "is_verifier": bool(draft.is_verifier),
        "active": bool(active),
    }
    changes = audit.diff(user, values)
    was_active = user.active
    for key, value in values.items():
        setattr(user, key, value)
    if was_active and not user.active:
        user.end_sessions()
    if changes:
        audit.record(session, actor, "user.update", user, summary=user.email, changes=changes)
    if draft.password:
        reset_password(session, user, actor=actor, new=draft.password)
    return user


def authenticate(session, email, password, now=None):
    """The active user with this e-mail and password, or None (never says which was wrong).

    Failed attempts are counted in the database, so a lock holds across workers: after
    LOGIN_MAX_FAILURES failures the account refuses even the right password for
    LOGIN_LOCK_MINUTES. Every answer costs one Argon2 verification (against a dummy hash
    when the address is unknown, and even while the account is locked), so the time taken
    does not tell which accounts exist or are locked.
    """
    now = now or utcnow()
    user = find_by_email(session, email or "")
    if user is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "")
        return None
    is_right = check_password(user, password or "")
    if is_locked(user, now):
        return None
    if not is_right or not user.active:
        _count_failure(user, now)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def is_locked(user, now):
    """Whether too many failed attempts keep ``user`` out at ``now``."""
    return user.locked_until is not None and user.locked_until > now


def lock(user, now):
    """Refuse every log-in of ``user`` for LOGIN_LOCK_MINUTES from ``now``."""
    user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _count_failure(user, now):
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        lock(user, now)
        user.failed_logins = 0


def log_out(user):
    """End every session of ``user``, so that a copy of the session cookie stops working."""
    user.end_sessions()


def change_password(session, user, *, current, new):
    """Set a new password after checking the current one; every other session ends."""
    if not check_password(user, current or ""):
        raise DomainError(_("The current password is not correct."), field="current")
    check_new_password(new, field="new")
    user.password_hash = hash_password(new)
    user.end_sessions()
    audit.record(session, user, "user.password", user, summary=user.email)
    return user


def reset_password(session, user, *, actor, new):
    """Set a password for someone else (an administrator's action); their sessions end."""
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.end_sessions()
    audit.record(session, actor, "user.password_reset", user, summary=user.email)
    return user


def set_locale(user, locale):
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
