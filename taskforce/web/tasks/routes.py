"""Task views."""

from taskforce.web.tasks import bp  # noqa: F401
