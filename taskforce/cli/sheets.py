"""What the import commands share: a file read within the size limit, the service's plan
of it, its refusals printed by row, and the write (or the dry run) in one transaction."""

import os

import click
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.services import spreadsheets
from taskforce.services.errors import DomainError


def read(path):
    """The file's bytes, refused when larger than an upload may be."""
    if os.path.getsize(path) > spreadsheets.MAX_FILE_BYTES:
        raise click.ClickException(_("The file is larger than %(mb)s MB.",
                                     mb=spreadsheets.MAX_FILE_BYTES // (1024 * 1024)))
    with open(path, "rb") as handle:
        return handle.read()


def plan(planner, path, *args, **kw):
    """``planner(session, data, filename, *args, **kw)`` of the file at ``path``; a refusal
    of the whole file is the command's error."""
    try:
        return planner(db.session, read(path), os.path.basename(path), *args, **kw)
    except DomainError as error:
        raise click.ClickException(error.message) from None


def refuse(errors, place=lambda row: _("Row %(row)s", row=row)):
    """Print each ``(where, message)`` of ``errors`` and stop: nothing is written."""
    for where, message in errors:
        click.echo(_("%(place)s: %(message)s", place=place(where), message=message), err=True)
    if errors:
        raise click.ClickException(_("%(count)s errors; nothing was imported.",
                                     count=len(errors)))


def finish(dry_run, write, done):
    """Roll back a dry run; else ``write()`` and commit, and print ``done(written)``. A
    refusal while writing rolls everything back."""
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was written."))
        return
    try:
        written = write()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(done(written))
