"""The task pages: list, board, task page, status updates, the assignment wizard, calendar."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)

from taskforce.web.tasks import calendar_routes, routes, wizard_routes  # noqa: E402,F401
