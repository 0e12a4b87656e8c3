"""Template filters and globals: dates, numbers, permissions, labels."""

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, g, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_login import current_user

from taskforce import permissions
from taskforce.extensions import db
from taskforce.models import Role, Worded
from taskforce.services import catalog, clock, notifications, online_classes, settings

# The enums whose words the templates show and whose members they loop over.
VOCABULARIES = {enum.__name__: enum for enum in Worded.__subclasses__()}


def format_date(value):
    """dd/mm/yyyy, the way dates are written in Vietnamese administration."""
    if value is None:
        return ""
    # Formatted by hand: strftime takes three times as long, and a list shows 200 dates.
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
        return (f"{value.day:02d}/{value.month:02d}/{value.year} "
                f"{value.hour:02d}:{value.minute:02d}")
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


def number(value, digits=0):
    if value is None:
        return ""
    fmt = "#,##0" if not digits else "#,##0." + "0" * digits
    return format_decimal(value, format=fmt)


def percent(value, digits=2):
    if value is None:
        return ""
    return format_percent(value, format="#,##0." + "0" * digits + " %")


def is_safe_next(target):
    """Whether a ``next`` URL stays on this site (a path, no scheme or host)."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") \
        and not target.startswith("//") and "\\" not in target


def can(action, obj=None):
    return permissions.can(current_user, action, obj)


def task_actions(task):
    """What the current user may do to ``task`` now (``permissions.task_actions``)."""
    return permissions.task_actions(current_user, task)


def role_label(user):
    """The words for ``user``'s role."""
    return Role.word(user.role)


def url_with(**changes):
    """The current page's URL with some query arguments changed (for filters and paging)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def class_switch_on():
    """The settings' switch date of the class vocabulary, read once per request."""
    if "class_switch_on" not in g:
        g.class_switch_on = settings.class_switch_on(db.session)
    return g.class_switch_on


def class_label(level, on=None):
    """The words for a stored level in the vocabulary in force on ``on`` (today by default)."""
    return online_classes.class_label(level, on or clock.today(), class_switch_on())


def class_choices(on=None):
    """``[(level, label)]`` of the classes to choose from on ``on`` (today by default)."""
    return online_classes.choices(on or clock.today(), class_switch_on())


def pending_claim_count():
    """How many level claims await verification (one COUNT, asked only by the nav)."""
    return catalog.count_pending(db.session)


def unread_notification_count():
    """How many of the user's notifications are unread (one COUNT, asked only by the nav)."""
    return notifications.unread_count(db.session, current_user)


def register(app):
    app.jinja_env.filters.update(date=format_date, number=number, percent=percent,
                                 role_label=role_label, class_label=class_label)
    app.jinja_env.globals.update(can=can, task_actions=task_actions, url_with=url_with,
                                 get_locale=get_locale, **VOCABULARIES)
    app.jinja_env.globals.update(pending_claim_count=pending_claim_count,
                                 class_label=class_label, class_choices=class_choices)
    app.jinja_env.globals.update(unread_notification_count=unread_notification_count)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")
