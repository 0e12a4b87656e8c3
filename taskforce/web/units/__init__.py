"""The units pages."""

from flask import Blueprint

bp = Blueprint("units", __name__)

from taskforce.web.units import routes  # noqa: E402,F401
