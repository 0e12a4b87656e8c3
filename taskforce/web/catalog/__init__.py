"""The service catalog pages: list, service page, claims, verification, import."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from taskforce.web.catalog import import_routes, routes  # noqa: E402,F401
