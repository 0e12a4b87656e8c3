"""``flask users``: accounts from the command line."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import accounts, units
from taskforce.services.errors import DomainError


@click.group()
def users():
    """Manage user accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VIEWER.value,
              show_default=True)
@click.option("--unit", "unit_name", help="Code or name of the unit (for unit officers).")
@click.option("--verifier", is_flag=True, help="May verify level claims and accept tasks.")
@click.password_option()
@with_appcontext
def create(email, full_name, role, unit_name, verifier, password):
    """Create a user account."""
    unit_id = None
    if unit_name:
        unit = units.find_by_name_or_code(db.session, unit_name)
        if unit is None:
            raise click.ClickException(_("Unknown unit: %(name)s", name=unit_name))
        unit_id = unit.id
    try:
        user = accounts.create_user(db.session, accounts.UserDraft(
            email=email, full_name=full_name, password=password, role=role, unit_id=unit_id,
            is_verifier=verifier))
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(_("Created %(email)s (%(role)s).", email=user.email, role=user.role))
