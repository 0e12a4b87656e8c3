"""``flask demo load``: the Bắc Kạn task force of 2020 as demo data."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.demo import loader
from taskforce.demo import scorecards as demo_scorecards
from taskforce.demo.people import ACCOUNTS
from taskforce.extensions import db
from taskforce.services import clock


@click.group()
def demo():
    """Demo data."""


@demo.command("load")
@click.option("--founded", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day the task force was founded (2020-10-15 for the historical dates). "
                   "Default: 45 days before today.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
@click.option("--scorecards", is_flag=True,
              help="Also import the 766 scorecard of March to June 2025 and of its second "
                   "quarter.")
@with_appcontext
def load(founded, if_empty, scorecards):
    """Load the Bắc Kạn task force of 2020: members, units, catalog, tasks, accounts."""
    if not loader.is_empty(db.session):
        if if_empty:
            click.echo(_("The database already has data; demo data not loaded."))
            return
        raise click.ClickException(_("The database is not empty; demo data loads only into "
                                     "an empty database."))
    days = timedelta(days=loader.DAYS_TO_TODAY)
    founded_on = founded.date() if founded else clock.today() - days
    summary = loader.load(db.session, founded_on=founded_on)
    if scorecards:
        demo_scorecards.load(db.session, now=clock.now())
    db.session.commit()
    click.echo(_("Demo data loaded: task force founded on %(day)s, %(units)s units, "
                 "%(services)s services, %(tasks)s tasks.", day=f"{founded_on:%d/%m/%Y}",
                 units=summary["units"], services=summary["services"], tasks=summary["tasks"]))
    click.echo(_("Demo accounts (password demo12345):"))
    for email, role in ACCOUNTS:
        click.echo(f"  {email:<28} {role}")


