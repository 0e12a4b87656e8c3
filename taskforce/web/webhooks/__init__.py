"""Webhook subscriptions: an administrator's pages to register, change, test and remove them."""

from flask import Blueprint

bp = Blueprint("webhooks", __name__)

from taskforce.web.webhooks import routes  # noqa: E402,F401
