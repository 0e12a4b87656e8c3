"""E-mail settings: one's own address's language and delivery, and a unit's addresses'."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from taskforce.web.mail import routes  # noqa: E402,F401
