"""The review (sơ kết) pages."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)

from taskforce.web.reviews import routes  # noqa: E402,F401
