"""``flask units reorganise``: record the reorganisations a sheet lists."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.cli import sheets
from taskforce.extensions import db
from taskforce.services import clock, reorganisation_sheet

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _report(plan):
    click.echo(_("%(file)s: header on row %(header)s, %(rows)s data rows: %(events)s "
                 "reorganisations.", file=plan.filename, header=plan.header_row,
                 rows=plan.rows, events=len(plan.events)))
    for numbers, draft in plan.events:
        click.echo(_("Row %(row)s: %(change)s %(sources)s → %(targets)s on %(date)s",
                     row=numbers[0], change=draft.change, sources=", ".join(draft.from_codes),
                     targets=", ".join(s.code for s in draft.successors),
                     date=draft.effective_on.strftime("%d/%m/%Y")))
    sheets.refuse(plan.errors)


@click.group("units")
def units_group():
    """Units and their reorganisations."""


@units_group.command("reorganise")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--today", type=DATE, help="The date taken as today (default: the real one).")
@with_appcontext
def reorganise(file, dry_run, today):
    """Record the reorganisations an .xlsx or CSV file lists (all or nothing)."""
    today = today.date() if today else clock.today()
    plan = sheets.plan(reorganisation_sheet.plan_sheet, file)
    _report(plan)
    sheets.finish(dry_run, lambda: reorganisation_sheet.record_sheet(
        db.session, plan, actor=None, today=today, now=clock.now()),
        lambda events: _("Recorded: %(count)s reorganisations.", count=len(events)))
