"""Settings kept in the database, with defaults from the configuration."""

from flask import current_app

from taskforce.models import Setting


def get(session, key, default=None):
    row = session.get(Setting, key)
    return row.value if row is not None else default


def put(session, key, value, actor=None):
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    return row


def target_share(session):
    return float(get(session, "target_share", current_app.config["TARGET_SHARE"]))


def national_share(session):
    return float(get(session, "national_share", current_app.config["NATIONAL_SHARE"]))


def target_on(session):
    """The date by which the target share must be reached, or None when not set."""
    from datetime import date

    value = get(session, "target_on", current_app.config.get("TARGET_ON"))
    return date.fromisoformat(value) if value else None
