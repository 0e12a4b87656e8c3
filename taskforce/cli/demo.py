"""``flask demo load``: the Bắc Kạn task force of 2020 as demo data."""

from datetime import timedelta

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.demo import loader, merger_2025
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
@click.option("--merger-2025", "merger", is_flag=True,
              help="Also record the merger of 1 July 2025 (Bắc Kạn into Thái Nguyên, districts "
                   "abolished), with --scorecards the new units' scores of July 2025; needs "
                   "a founding date before it, e.g. --founded 2020-10-15.")
@with_appcontext
def load(founded, if_empty, scorecards, merger):
    """Load the Bắc Kạn task force of 2020: members, units, catalog, tasks, accounts."""
    if not loader.is_empty(db.session):
        if if_empty:
            click.echo(_("The database already has data; demo data not loaded."))
            return
        raise click.ClickException(_("The database is not empty; demo data loads only into "
                                     "an empty database."))
    days = timedelta(days=loader.DAYS_TO_TODAY)
    founded_on = founded.date() if founded else clock.today() - days
    if merger and founded_on + days >= merger_2025.EFFECTIVE_ON:
        raise click.BadParameter(_("The merger of 1 July 2025 follows the 2020 story: give a "
                                   "founding date well before it, e.g. --founded 2020-10-15."),
                                 param_hint="--founded")
    summary = loader.load(db.session, founded_on=founded_on)
    if scorecards:
        demo_scorecards.load(db.session, now=clock.now())
    events = (merger_2025.load(db.session, today=clock.today(), now=clock.now())
              if merger else 0)
    if merger and scorecards:
        merger_2025.load_scorecard(db.session, now=clock.now())
    db.session.commit()
    click.echo(_("Demo data loaded: task force founded on %(day)s, %(units)s units, "
                 "%(services)s services, %(tasks)s tasks.", day=f"{founded_on:%d/%m/%Y}",
                 units=summary["units"], services=summary["services"], tasks=summary["tasks"]))
    if events:
        click.echo(_("The merger of 01/07/2025 recorded: %(count)s reorganisations.",
                     count=events))
    click.echo(_("Demo accounts (password demo12345):"))
    for email, role in ACCOUNTS:
        click.echo(f"  {email:<28} {role}")


