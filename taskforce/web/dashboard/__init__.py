"""The dashboard pages."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from taskforce.web.dashboard import routes  # noqa: E402,F401
