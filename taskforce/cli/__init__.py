"""Command-line commands for operators: ``flask users``, ``flask demo`` and more.

Every command prints in the operator's language (config TASKFORCE_LOCALE, Vietnamese by
default), its own texts and the services' messages alike.
"""

import functools

import click
from flask import current_app
from flask_babel import force_locale

from taskforce.cli.catalog import catalog, usage
from taskforce.cli.demo import demo
from taskforce.cli.files import files_group
from taskforce.cli.kpi import kpi_command
from taskforce.cli.plans import plans_group
from taskforce.cli.reminders import reminders
from taskforce.cli.reviews import reviews_group
from taskforce.cli.scheduler import scheduler_command
from taskforce.cli.tokens import tokens_group
from taskforce.cli.users import users


def in_operator_language(command):
    """``command`` (and, for a group, every command under it) run in TASKFORCE_LOCALE."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            in_operator_language(sub)
    if command.callback is not None and not getattr(command.callback, "in_language", False):
        command.callback = _in_language(command.callback)
    return command


def _in_language(callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        with force_locale(current_app.config["TASKFORCE_LOCALE"]):
            return callback(*args, **kwargs)

    run.in_language = True
    return run


COMMANDS = [in_operator_language(command) for command in (
    users, demo, kpi_command, catalog, usage, reviews_group, scheduler_command, reminders,
    files_group, plans_group, tokens_group)]
