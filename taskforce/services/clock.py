"""The province's local date and time; callers pass these down as ``today``/``now``."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def now():
    return datetime.now(UTC)


def today():
    """Today's date in the province's time zone (a setting can pin it for demos)."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return pinned if isinstance(pinned, date) else date.fromisoformat(pinned)
    return datetime.now(zone()).date()
