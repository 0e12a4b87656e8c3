"""``flask reminders``: plan the deadline reminders and send the outbox."""

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.services import clock, webhooks
from taskforce.services.mail import delivery, transports, workflow
from taskforce.services.reminders import plan_reminders


@click.group()
def reminders():
    """Plan deadline reminders and send the e-mail outbox."""


TODAY_OPTION = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
                            help="Plan as on this date (YYYY-MM-DD) instead of today.")
BATCH_OPTION = click.option("--batch-size", type=click.IntRange(min=1),
                            help="Messages per SMTP connection (default MAIL_BATCH_SIZE).")


def _plan(today):
    day = today.date() if today else clock.today()
    now = clock.now()
    summary = plan_reminders(db.session, today=day, now=now)
    digests = workflow.send_digests(db.session, today=day, now=now)
    db.session.commit()
    click.echo(_("Planned for %(day)s: %(items)s reminder(s) in %(messages)s message(s); "
                 "%(digests)s daily digest(s).", day=day.isoformat(), items=summary.items,
                 messages=summary.messages, digests=digests))


def _send(batch_size, today=None):
    transport = transports.transport_for(current_app.config)
    summary = delivery.deliver_pending(db.session, now=clock.now(), transport=transport,
                                       batch_size=batch_size,
                                       today=today.date() if today else clock.today())
    click.echo(_("%(transport)s: %(sent)s sent, %(retrying)s to retry, %(failed)s failed, "
                 "%(recovered)s recovered after an interruption.",
                 transport=transport.describe(), sent=summary.sent, retrying=summary.retrying,
                 failed=summary.failed, recovered=summary.recovered))
    if summary.held:
        click.echo(_("%(count)s reminder(s) and digest(s) wait for the next working day's "
                     "morning.", count=summary.held))
    hooks = webhooks.deliver(db.session, now=clock.now())
    if hooks.sent or hooks.retrying or hooks.failed or hooks.recovered:
        click.echo(_("Webhooks: %(sent)s sent, %(retrying)s to retry, %(failed)s failed, "
                     "%(recovered)s recovered after an interruption.", sent=hooks.sent,
                     retrying=hooks.retrying, failed=hooks.failed, recovered=hooks.recovered))
    if summary.taken_over:
        click.echo(_("%(count)s claimed message(s) were taken over by another sender while "
                     "this one was held up; they are left to it, not sent from here.",
                     count=summary.taken_over))
    if summary.stopped:
        raise click.ClickException(_("Stopped, the server could not be reached: %(error)s",
                                     error=summary.stopped))


@reminders.command("plan")
@TODAY_OPTION
@click.option("--dry-run", is_flag=True, help="Say what would be made, change nothing.")
@with_appcontext
def plan(today, dry_run):
    """Make the reminders due by today, once each, and queue one digest per recipient."""
    if not dry_run:
        _plan(today)
        return
    day = today.date() if today else clock.today()
    summary = plan_reminders(db.session, today=day, now=clock.now(), dry_run=True)
    db.session.rollback()
    click.echo(_("Dry run for %(day)s: %(items)s reminder(s) would be made, in %(messages)s "
                 "message(s).", day=day.isoformat(), items=summary.items,
                 messages=summary.messages))


@reminders.command("send")
@BATCH_OPTION
@with_appcontext
def send(batch_size):
    """Send the queued e-mails that are due (as .eml files when MAIL_SERVER is not set)."""
    _send(batch_size)


@reminders.command("run")
@TODAY_OPTION
@BATCH_OPTION
@with_appcontext
def run(today, batch_size):
    """Plan the reminders due by today, then send the outbox: one process for cron or a timer."""
    _plan(today)
    _send(batch_size, today)
