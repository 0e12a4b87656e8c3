"""The admin pages."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from taskforce.web.admin import reorganisation_routes, routes  # noqa: E402,F401
