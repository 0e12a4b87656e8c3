"""Command-line commands for operators: ``flask users``, ``flask demo`` and more."""

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

COMMANDS = [users, demo, kpi_command, catalog, usage, reviews_group, scheduler_command,
            reminders, files_group, plans_group, tokens_group]
