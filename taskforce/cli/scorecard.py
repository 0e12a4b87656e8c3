"""``flask scorecard``: import the portal's 766 score tables and print a period's table."""

import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.cli import sheets
from taskforce.extensions import db
from taskforce.services import clock, scorecard
from taskforce.services.errors import DomainError


def _period(text):
    try:
        return scorecard.parse_period(text)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="--period") from None


def _report(plan):
    click.echo(_("%(file)s, %(period)s: %(rows)s rows in %(sheets)s sheets, %(new)s new units.",
                 file=plan.filename, period=plan.period.label, rows=len(plan.entries),
                 sheets=len(plan.sheets), new=len(plan.new_units)))
    sheets.refuse(plan.errors, scorecard.place)
    if plan.replaces is not None:
        click.echo(_("The table of %(period)s imported before is replaced.",
                     period=plan.period.label))


@click.group("scorecard")
def scorecard_group():
    """The 766 scorecard of the national public-service portal."""


@scorecard_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--period", required=True, help="2025-10 (a month), 2025-Q3 or 2025.")
@click.option("--create-units", is_flag=True, help="Create the units the table names that "
              "are not known yet.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@with_appcontext
def import_command(file, period, create_units, dry_run):
    """Import a period's score table from .xlsx, .csv or JSON (all or nothing)."""
    period = _period(period)
    plan = sheets.plan(scorecard.plan_scorecard, file, period, create_units=create_units)
    _report(plan)
    sheets.finish(dry_run, lambda: scorecard.apply_scorecard(
        db.session, plan, actor=None, now=clock.now()),
        lambda _written: _("Imported: %(rows)s rows, %(new)s units created.",
                           rows=len(plan.entries), new=len(plan.new_units)))


@scorecard_group.command("show")
@click.option("--period", required=True, help="2025-10 (a month), 2025-Q3 or 2025.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@with_appcontext
def show_command(period, as_json):
    """Print a period's table: each unit's groups, total and ranks."""
    period = _period(period)
    table = scorecard.find_table(db.session, period)
    if table is None:
        raise click.ClickException(_("No score table has been imported for %(period)s.",
                                     period=period.label))
    data = scorecard.as_json(db.session, table)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for unit in data["units"]:
        click.echo(f"{unit['rank_in_province'] or '-':>4} {unit['total']:>6.2f} "
                   f"{unit['national_rank'] or '-':>5}  {unit['code']}  {unit['name']}")
