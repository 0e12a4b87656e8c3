"""Command-line commands for operators: ``flask users``, ``flask demo`` and more.

Every command prints in the operator's language (config TASKFORCE_LOCALE, Vietnamese by
default), its own texts and the services' messages alike.

The application registers each command by name only (``LazyCommand``): its module is imported
when the command runs or its help is asked, so ``flask reminders run`` imports the reminder
command and nothing of the others. ``COMMANDS`` (every command itself) imports them all.
"""

import functools
import importlib

import click
from flask import current_app
from flask_babel import force_locale

# The top-level commands: name -> "module:attribute".
LOCATIONS = {
    "users": "taskforce.cli.users:users",
    "demo": "taskforce.cli.demo:demo",
    "kpi": "taskforce.cli.kpi:kpi_command",
    "catalog": "taskforce.cli.catalog:catalog",
    "usage": "taskforce.cli.catalog:usage",
    "reviews": "taskforce.cli.reviews:reviews_group",
    "scheduler": "taskforce.cli.scheduler:scheduler_command",
    "reminders": "taskforce.cli.reminders:reminders",
    "files": "taskforce.cli.files:files_group",
    "plans": "taskforce.cli.plans:plans_group",
    "tokens": "taskforce.cli.tokens:tokens_group",
    "scorecard": "taskforce.cli.scorecard:scorecard_group",
    "units": "taskforce.cli.units:units_group",
}


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


def load(name):
    """The command registered as ``name``, imported and wrapped in the operator's language."""
    module, _, attribute = LOCATIONS[name].partition(":")
    return in_operator_language(getattr(importlib.import_module(module), attribute))


class LazyCommand(click.Command):
    """A stand-in for the command ``name``: Click runs the real one, imported only then.

    Click's group makes the subcommand's context with ``make_context`` and invokes the
    context's own command, which is the real one; ``flask --help`` asks the short help.
    """

    def __init__(self, name):
        super().__init__(name, add_help_option=False)

    def real(self):
        return load(self.name)

    def make_context(self, info_name, args, parent=None, **extra):
        return self.real().make_context(info_name, args, parent=parent, **extra)

    def get_short_help_str(self, limit=45):
        return self.real().get_short_help_str(limit)

    def shell_complete(self, ctx, incomplete):
        return self.real().shell_complete(ctx, incomplete)


def register(cli):
    """Add every command to the application's command group, by name only."""
    for name in LOCATIONS:
        cli.add_command(LazyCommand(name))


def __getattr__(name):
    # ``COMMANDS``: every command, imported (the tests walk them).
    if name == "COMMANDS":
        return [load(command) for command in LOCATIONS]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
