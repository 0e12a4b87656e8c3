"""Personal access tokens: made once, kept hashed, scoped, expiring, revocable (service, CLI,
account page)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import ApiToken, AuditEvent
from taskforce.models.types import utcnow
from taskforce.services import tokens
from taskforce.services.errors import DomainError, PermissionDenied
from tests import factories

TOKEN = re.compile(r"tf_[A-Za-z0-9_-]{43}")


def _all_text(table):
    """Every stored value of ``table``, joined: what a leaked database would show."""
    return "\n".join(repr(tuple(row)) for row in db.session.execute(select(table)))


def test_a_token_is_stored_hashed_and_found_by_its_secret(app):
    user = factories.user(role="leader")
    now = utcnow()
    token, secret = tokens.create_token(db.session, user, actor=user, name="Một cửa",
                                        scope="write", expires_days=30, now=now)
    db.session.commit()
    assert TOKEN.fullmatch(secret)
    assert secret not in _all_text(ApiToken.__table__)
    assert secret not in _all_text(AuditEvent.__table__)
    assert token.token_hash == tokens.digest(secret) and token.prefix == secret[:8]
    assert tokens.authenticate(db.session, secret, now=now).id == token.id
    assert token.last_used_at == now
    assert tokens.authenticate(db.session, secret[:-1] + "x", now=now) is None
    assert tokens.authenticate(db.session, "Bearer " + secret, now=now) is None


def test_expiry_revocation_and_a_deactivated_user_end_a_token(app):
    user = factories.user(role="viewer")
    now = utcnow()
    token, secret = tokens.create_token(db.session, user, actor=user, name="x", scope="read",
                                        expires_days=1, now=now)
    assert tokens.authenticate(db.session, secret, now=now + timedelta(hours=23)) is not None
    assert tokens.authenticate(db.session, secret, now=now + timedelta(days=1)) is None
    user.active = False
    assert tokens.authenticate(db.session, secret, now=now) is None
    user.active = True
    tokens.revoke_token(db.session, token, actor=user, now=now)
    assert tokens.authenticate(db.session, secret, now=now) is None


def test_bad_input_and_other_peoples_tokens_are_refused(app):
    user, other = factories.user(role="viewer"), factories.user(role="leader")
    admin = factories.user(role="admin")
    now = utcnow()
    cases = [({"name": " "}, "name"), ({"name": "x" * 101}, "name"), ({"scope": "admin"}, "scope"),
             ({"expires_days": 0}, "expires_days"), ({"expires_days": 4000}, "expires_days")]
    for change, field in cases:
        values = {"name": "ok", "scope": "read", "expires_days": 30, **change}
        with pytest.raises(DomainError) as refused:
            tokens.create_token(db.session, user, actor=user, now=now, **values)
        assert refused.value.field == field
    with pytest.raises(PermissionDenied):
        tokens.create_token(db.session, user, actor=other, name="x", scope="read",
                            expires_days=None, now=now)
    token, _secret = tokens.create_token(db.session, user, actor=admin, name="x", scope="read",
                                         expires_days=None, now=now)
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(db.session, token, actor=other, now=now)
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is token


def test_flask_tokens_create_list_revoke(app, runner):
    user = factories.user(role="unit_officer", unit=factories.unit(), email="motcua@stp.test")
    db.session.commit()
    made = runner.invoke(args=["tokens", "create", "--user", "MotCua@stp.test", "--scope",
                               "write", "--expires", "30"])
    assert made.exit_code == 0, made.output
    secret = TOKEN.search(made.output).group(0)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.scope == "write" and token.token_hash == tokens.digest(secret)
    listed = runner.invoke(args=["tokens", "list"])
    assert "motcua@stp.test" in listed.output and "active" in listed.output
    assert secret not in listed.output
    assert runner.invoke(args=["tokens", "revoke", str(token.id)]).exit_code == 0
    db.session.expire_all()
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code != 0
    bad = runner.invoke(args=["tokens", "create", "--user", "nobody@x.test"])
    assert bad.exit_code != 0
    bad = runner.invoke(args=["tokens", "create", "--user", "motcua@stp.test", "--expires", "0"])
    assert bad.exit_code != 0 and "3650" in bad.output


def test_account_page_makes_shows_once_and_revokes_with_confirmation(app, client, login_as):
    user = login_as("member")
    page = client.post("/account/tokens", data={"name": "Hệ thống văn bản", "scope": "read",
                                                "expires_days": "90"})
    assert page.status_code == 200
    secret = TOKEN.search(page.get_data(as_text=True)).group(0)
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.token_hash == tokens.digest(secret)
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token.prefix in listing and secret not in listing
    assert "/account/tokens" in client.get("/account/password").get_data(as_text=True)
    confirm = client.get(f"/account/tokens/revoke?id={token.id}")
    assert confirm.status_code == 200 and "Hệ thống văn bản" in confirm.get_data(as_text=True)
    assert token.revoked_at is None
    done = client.post("/account/tokens/revoke", data={"token_id": str(token.id)})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_account_page_refuses_bad_input_and_others_tokens(app, client, login_as):
    login_as("viewer")
    other = factories.user(role="viewer")
    theirs, _secret = tokens.create_token(db.session, other, actor=other, name="theirs",
                                          scope="read", expires_days=None, now=utcnow())
    db.session.commit()
    page = client.post("/account/tokens", data={"name": "", "scope": "write",
                                                "expires_days": "99999"})
    assert page.status_code == 200 and not TOKEN.search(page.get_data(as_text=True))
    assert db.session.scalar(select(ApiToken).where(ApiToken.name != "theirs")) is None
    assert client.get(f"/account/tokens/revoke?id={theirs.id}").status_code == 302
    client.post("/account/tokens/revoke", data={"token_id": str(theirs.id)})
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.id).revoked_at is None


def test_revoking_with_nonsense_changes_nothing(app, client, login_as):
    user = login_as("leader")
    token, _secret = tokens.create_token(db.session, user, actor=user, name="mine",
                                         scope="read", expires_days=None, now=utcnow())
    db.session.commit()
    for value in ("", "abc", "-1", "0", "99999999999", "1e3", "١", str(token.id + 1)):
        assert client.get("/account/tokens/revoke", query_string={"id": value}
                          ).status_code == 302
        assert client.post("/account/tokens/revoke", data={"token_id": value}
                           ).status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
