"""The account's API tokens: made, listed and revoked by their user."""

from flask import Blueprint

bp = Blueprint("tokens", __name__)

from taskforce.web.tokens import routes  # noqa: E402,F401
