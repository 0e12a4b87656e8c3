"""``flask catalog import`` and ``flask usage import``: load spreadsheets from the command line."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.cli import sheets
from taskforce.extensions import db
from taskforce.services import catalog_import, clock

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _report(plan):
    click.echo(_("%(file)s: header on row %(header)s, %(rows)s data rows: %(add)s to add, "
                 "%(change)s to change, %(same)s unchanged.", file=plan.filename,
                 header=plan.header_row, rows=plan.rows, add=len(plan.additions),
                 change=len(plan.changes), same=plan.unchanged))
    sheets.refuse(plan.errors)


def _imported(counts):
    return _("Imported: %(added)s added, %(updated)s updated.", added=counts["added"],
             updated=counts["updated"])


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
    plan = sheets.plan(catalog_import.plan_catalog_import, file, today=today,
                       verified=not unverified)
    _report(plan)
    sheets.finish(dry_run, lambda: catalog_import.apply_catalog_import(
        db.session, plan, actor=None, verified=not unverified, today=today, now=clock.now()),
        _imported)


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
    plan = sheets.plan(catalog_import.plan_usage_import, file, today=today)
    _report(plan)
    sheets.finish(dry_run, lambda: catalog_import.apply_usage_import(
        db.session, plan, actor=None, now=clock.now()), _imported)
