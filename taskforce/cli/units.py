"""``flask units reorganise``: record the reorganisations a sheet lists."""

import os

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.cli.catalog import _read
from taskforce.extensions import db
from taskforce.services import clock, reorganisation_sheet
from taskforce.services.errors import DomainError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _plan(path):
    try:
        return reorganisation_sheet.plan_sheet(db.session, _read(path), os.path.basename(path))
    except DomainError as error:
        raise click.ClickException(error.message) from None


def _report(plan):
    click.echo(_("%(file)s: header on row %(header)s, %(rows)s data rows: %(events)s "
                 "reorganisations.", file=plan.filename, header=plan.header_row,
                 rows=plan.rows, events=len(plan.events)))
    for numbers, draft in plan.events:
        click.echo(_("Row %(row)s: %(change)s %(sources)s → %(targets)s on %(date)s",
                     row=numbers[0], change=draft.change, sources=", ".join(draft.from_codes),
                     targets=", ".join(s.code for s in draft.successors),
                     date=draft.effective_on.strftime("%d/%m/%Y")))
    for row, message in plan.errors:
        click.echo(_("Row %(row)s: %(message)s", row=row, message=message), err=True)
    if plan.errors:
        raise click.ClickException(_("%(count)s errors; nothing was imported.",
                                     count=len(plan.errors)))


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
    plan = _plan(file)
    _report(plan)
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was written."))
        return
    try:
        events = reorganisation_sheet.record_sheet(db.session, plan, actor=None, today=today,
                                                   now=clock.now())
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(_("Recorded: %(count)s reorganisations.", count=len(events)))
