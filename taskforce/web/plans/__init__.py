"""The plans pages: the list, one plan's indicators against their targets, the form."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from taskforce.web.plans import routes  # noqa: E402,F401
