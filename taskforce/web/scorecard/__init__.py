"""The 766 scorecard pages: a period's table, the import with its preview, a unit's task."""

from flask import Blueprint

bp = Blueprint("scorecard", __name__)

from taskforce.web.scorecard import routes  # noqa: E402,F401
