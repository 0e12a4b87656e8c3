"""``flask tokens``: API tokens made, listed and revoked by an operator."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ApiToken, User
from taskforce.services import clock
from taskforce.services import tokens as token_service
from taskforce.services.errors import DomainError


@click.group("tokens")
def tokens_group():
    """Personal access tokens for the JSON API."""


@tokens_group.command("create")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--scope", type=click.Choice(token_service.SCOPES), default="read",
              show_default=True)
@click.option("--expires", "days", type=int, default=None,
              help="Days until it expires (1-3650); none: it lasts until revoked.")
@click.option("--name", default="", help="What the token is for (default: made by operator).")
@with_appcontext
def create(email, scope, days, name):
    """Make a token and print it once; only its hash is kept."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.ClickException(_("No account has the e-mail %(email)s.", email=email))
    try:
        token, secret = token_service.create_token(
            db.session, user, actor=None, operator=True, name=name or "flask tokens create",
            scope=scope, expires_days=days, now=clock.now())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    expires = (_(", expires %(at)s UTC", at=f"{token.expires_at:%Y-%m-%d %H:%M}")
               if token.expires_at else "")
    click.echo(_("Token %(id)s for %(email)s (%(scope)s%(expires)s). Copy it now; it is not "
                 "shown again:", id=token.id, email=user.email, scope=scope, expires=expires))
    click.echo(secret)


def _state(token, now):
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    if not token.user.active:
        return "user inactive"
    return "active"


@tokens_group.command("list")
@with_appcontext
def list_tokens():
    """Every token: id, user, name, scope, state, created, expires, last used."""
    now = clock.now()
    for token in token_service.all_tokens(db.session):
        stamp = "%Y-%m-%d %H:%M"
        click.echo("\t".join([
            str(token.id), token.user.email, token.prefix + "…", token.name, token.scope,
            _state(token, now), token.created_at.strftime(stamp),
            token.expires_at.strftime(stamp) if token.expires_at else "-",
            token.last_used_at.strftime(stamp) if token.last_used_at else "-"]))


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id):
    """Revoke the token TOKEN_ID: it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(_("No token has the id %(id)s.", id=token_id))
    token_service.revoke_token(db.session, token, actor=None, operator=True, now=clock.now())
    db.session.commit()
    click.echo(_("Token %(id)s revoked.", id=token_id))
