"""Command-line commands for operators: ``flask users``, ``flask demo`` and more."""

from taskforce.cli.demo import demo
from taskforce.cli.users import users

COMMANDS = [users, demo]
