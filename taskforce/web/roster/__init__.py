"""The roster pages."""

from flask import Blueprint

bp = Blueprint("roster", __name__)

from taskforce.web.roster import routes  # noqa: E402,F401
