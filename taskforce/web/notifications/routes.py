"""Notification views."""

from taskforce.web.notifications import bp  # noqa: F401
