"""In-app notifications: the list and marking as read."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from taskforce.web.notifications import routes  # noqa: E402,F401
