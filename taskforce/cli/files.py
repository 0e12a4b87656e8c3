"""``flask files audit``: stored evidence files the upload policy would refuse, and orphans."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.services import files


@click.group("files")
def files_group():
    """Check the stored evidence files."""


def _line(finding):
    parts = [f"{finding.problem}: {finding.path}"]
    if finding.attachment_id is not None:
        parts.append(f"attachment {finding.attachment_id} ({finding.name!r})")
    if finding.detail:
        parts.append(finding.detail)
    return " — ".join(parts)


@files_group.command("audit")
@with_appcontext
def audit_command():
    """List stored files the policy would refuse, rows without a file, files without a row.

    Exits with status 1 when it lists anything, so a cron line or CI can alert on it.
    """
    upload_dir = current_app.config["UPLOAD_DIR"]
    findings = files.audit_files(db.session, upload_dir)
    for finding in findings:
        click.echo(_line(finding))
    if findings:
        click.echo(_("%(count)s problem(s) found in %(folder)s.", count=len(findings),
                     folder=upload_dir), err=True)
        raise SystemExit(1)
    click.echo(_("Every stored file in %(folder)s passes the upload policy; no orphans.",
                 folder=upload_dir))
