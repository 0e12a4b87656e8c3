"""Personal access tokens for the JSON API: made, found by the secret sent, listed, revoked.

A token is ``tf_`` and 43 random URL-safe characters, shown once; the database keeps its
SHA-256 (``token_hash``) and its first characters (``prefix``) to tell tokens apart. A token
authenticates while it is not revoked, not expired and its user is active.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from taskforce import permissions
from taskforce.models import ApiToken, User
from taskforce.services import audit
from taskforce.services.bounds import parse_int
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.text import clean

PREFIX = "tf_"
SCOPES = ("read", "write")
NAME_MAX = 100
MAX_DAYS = 3650
SHOWN = 8  # characters of the token kept to tell tokens apart: "tf_" and five more
# A token's last use is written at most this often (reads would otherwise each write).
USE_GRANULARITY = timedelta(minutes=1)


def digest(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _may_manage(actor, user, operator=False):
    # ``operator``: the command line (``flask tokens``), run by whoever runs the server.
    if operator:
        return True
    return actor is not None and (actor.id == user.id or permissions.can(actor, "users.manage"))


def create_token(session, user, *, actor, name, scope, expires_days, now, operator=False):
    """Make a token for ``user``: ``(row, secret)``; the secret is never stored or shown again.

    ``actor`` is the user themself, or an administrator making one for any account.
    """
    if not _may_manage(actor, user, operator):
        raise PermissionDenied(_("You may make tokens only for your own account."))
    name = clean(name or "")
    if not name:
        raise DomainError(_("Name the token, e.g. the system that will use it."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_("The name is too long: at most %(count)s characters.",
                            count=NAME_MAX), field="name")
    if scope not in SCOPES:
        raise DomainError(_("Choose read or write."), field="scope")
    if expires_days is not None and not (isinstance(expires_days, int)
                                         and 1 <= expires_days <= MAX_DAYS):
        raise DomainError(_("A token lasts from 1 to %(count)s days.", count=MAX_DAYS),
                          field="expires_days")
    if not user.active:
        raise DomainError(_("This account is deactivated."), field="user")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, scope=scope, prefix=secret[:SHOWN],
                     token_hash=digest(secret), created_at=now,
                     expires_at=now + timedelta(days=expires_days) if expires_days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.create", token, now=now, summary=name,
                 changes={"user_id": user.id, "scope": scope,
                          "expires_at": token.expires_at.isoformat() if token.expires_at
                          else None})
    return token, secret


def is_usable(token, now):
    return (token.revoked_at is None and (token.expires_at is None or token.expires_at > now)
            and token.user is not None and token.user.active)


def authenticate(session, secret, *, now):
    """The usable token whose secret is ``secret``, its last use noted; else None."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not is_usable(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_GRANULARITY:
        token.last_used_at = now
    return token


def tokens_of(session, user):
    """``user``'s tokens, newest first."""
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def all_tokens(session):
    """Every token with its user, newest first (``flask tokens list``)."""
    return session.scalars(select(ApiToken).join(User, User.id == ApiToken.user_id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(session, token, *, actor, now, operator=False):
    """Revoke ``token``: its owner or an administrator; revoking twice changes nothing."""
    if not _may_manage(actor, token.user, operator):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked_at is not None:
        return token
    token.revoked_at = now
    session.flush()
    audit.record(session, actor, "token.revoke", token, now=now, summary=token.name,
                 changes={"user_id": token.user_id})
    return token


def parse_id(value):
    """A token id as typed in a form, or None."""
    return parse_int(value)


def own_token(session, user, token_id):
    """``user``'s token ``token_id``, or None (someone else's is not found either)."""
    if token_id is None:
        return None
    token = session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None
