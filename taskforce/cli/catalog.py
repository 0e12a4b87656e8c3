"""``flask catalog import`` and ``flask usage import``: load spreadsheets from the command line."""

import os

import click
from flask.cli import with_appcontext

from taskforce.extensions import db
from taskforce.services import catalog_import, clock, spreadsheets
from taskforce.services.errors import DomainError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _read(path):
    if os.path.getsize(path) > spreadsheets.MAX_FILE_BYTES:
        raise click.ClickException(
            f"The file is larger than {spreadsheets.MAX_FILE_BYTES // (1024 * 1024)} MB.")
    with open(path, "rb") as handle:
        return handle.read()


def _plan(planner, path, **kw):
    try:
        return planner(db.session, _read(path), os.path.basename(path), **kw)
    except DomainError as error:
        raise click.ClickException(error.message) from None


def _report(plan):
    click.echo(f"{plan.filename}: header on row {plan.header_row}, {plan.rows} data rows: "
               f"{len(plan.additions)} to add, {len(plan.changes)} to change, "
               f"{plan.unchanged} unchanged.")
    for row, message in plan.errors:
        click.echo(f"Row {row}: {message}", err=True)
    if plan.errors:
        raise click.ClickException(f"{len(plan.errors)} errors; nothing was imported.")


def _finish(dry_run, write):
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
        return
    try:
        counts = write()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Imported: {counts['added']} added, {counts['updated']} updated.")


@click.group()
def catalog():
    """The service catalog."""


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--unverified", is_flag=True,
              help="Record level changes as claims awaiting verification.")
@click.option("--today", type=DATE, help="The date taken as today (default: the real one).")
@with_appcontext
def import_catalog(file, dry_run, unverified, today):
    """Import services and their levels from an .xlsx or CSV file (all or nothing)."""
    today = today.date() if today else clock.today()
    plan = _plan(catalog_import.plan_catalog_import, file, today=today, verified=not unverified)
    _report(plan)
    _finish(dry_run, lambda: catalog_import.apply_catalog_import(
        db.session, plan, actor=None, verified=not unverified, today=today, now=clock.now()))


@click.group()
def usage():
    """Monthly usage figures of the services."""


@usage.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--today", type=DATE, help="The date taken as today (default: the real one).")
@with_appcontext
def import_usage(file, dry_run, today):
    """Import monthly dossier figures from an .xlsx or CSV file (all or nothing)."""
    today = today.date() if today else clock.today()
    plan = _plan(catalog_import.plan_usage_import, file, today=today)
    _report(plan)
    _finish(dry_run, lambda: catalog_import.apply_usage_import(
        db.session, plan, actor=None, now=clock.now()))
