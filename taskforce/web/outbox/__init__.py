"""The outbox page: e-mails queued, sent and failed, and sending a failed one again."""

from flask import Blueprint

bp = Blueprint("outbox", __name__)

from taskforce.web.outbox import routes  # noqa: E402,F401
