"""The auth pages."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from taskforce.web.auth import routes  # noqa: E402,F401
