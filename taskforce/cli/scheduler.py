"""``flask scheduler``: run the scheduler as its own process (production)."""

import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.scheduler import Scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the reminder, delivery and review jobs until stopped (Ctrl-C or SIGTERM).

    Start one on each of two hosts if you like: a database lease lets only one be
    active, and the other takes over within a minute when it stops.
    """
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = Scheduler(current_app._get_current_object())
    try:
        scheduler.start()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())
    click.echo(_("Scheduler %(holder)s running; waiting for the lease. Stop with Ctrl-C.",
                 holder=scheduler.holder))
    while not stop.wait(1):
        pass
    scheduler.shutdown()
    click.echo(_("Scheduler stopped; lease released."))
