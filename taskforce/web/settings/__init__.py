"""The settings page: targets, the reminder policy, working days and review schedules."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

from taskforce.web.settings import routes  # noqa: E402,F401
