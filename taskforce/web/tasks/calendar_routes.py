"""The month calendar of deadlines and the secret-address iCalendar feeds."""

from babel.dates import get_day_names
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Unit
from taskforce.permissions import can, get_or_404, public, require
from taskforce.services import calendar as deadlines
from taskforce.services import clock, units
from taskforce.web.forms import BaseForm
from taskforce.web.submit import attempt, submit
from taskforce.web.tasks import bp
from taskforce.web.utils import int_arg


def unit_feed_url(unit):
    """The secret address of the unit's deadline feed, for those who act for the unit only."""
    if not can(current_user, "units.feed", unit):
        return None
    return url_for("tasks.ical_unit", token=unit.feed_token, _external=True)


def _task_link(task):
    return url_for("tasks.detail", task_id=task.id, _external=True)


def _ics(tasks, name):
    body = deadlines.feed(tasks, name=name, link=_task_link, now=clock.now())
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = "inline; filename=deadlines.ics"
    response.headers["Cache-Control"] = "private, max-age=0"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _day_names():
    names = get_day_names("abbreviated", locale=get_locale())
    return [names[day] for day in range(7)]


def _month(today):
    month = attempt(lambda: deadlines.parse_month(request.args.get("month"), today))
    if month.ok:
        return month.value
    flash(month.error.message, "warning")
    return today.replace(day=1)


@bp.route("/calendar")
@require("tasks.view")
def calendar():
    today = clock.today()
    first = _month(today)
    every_unit = can(current_user, "tasks.view_every_unit")
    unit_id = int_arg("unit") if every_unit else None
    own_unit = None if every_unit else current_user.unit
    return render_template(
        "tasks/calendar.html", grid=deadlines.month_grid(db.session, current_user, first,
                                                         unit_id),
        first=first, month_title=format_date(first, "LLLL yyyy"), day_names=_day_names(),
        prev=deadlines.shift(first, -1), next=deadlines.shift(first, 1),
        today=today, unit_id=unit_id, units=units.list_units(db.session),
        own_unit=own_unit, unit_feed=unit_feed_url(own_unit) if own_unit else None,
        feed=url_for("tasks.ical_user", token=current_user.calendar_token, _external=True))


@bp.route("/calendar/token", methods=["GET", "POST"])
@require("tasks.view")
def calendar_reset():
    return _new_feed_address(
        lambda: deadlines.reset_token(db.session, current_user, actor=current_user,
                                      now=clock.now()),
        _("Your calendar has a new address; the old one no longer works."),
        url_for("tasks.calendar"), "tasks/calendar_reset.html")


@bp.route("/calendar/unit/<int:unit_id>/token", methods=["GET", "POST"])
@require("units.feed")
def unit_calendar_reset(unit_id):
    unit = get_or_404(Unit, unit_id, current_user, "units.feed")
    return _new_feed_address(
        lambda: deadlines.reset_unit_token(db.session, unit, actor=current_user,
                                           now=clock.now()),
        _("The unit's calendar has a new address; the old one no longer works."),
        url_for("units.detail", unit_id=unit.id), "tasks/unit_calendar_reset.html", unit=unit)


def _new_feed_address(reset, done, back, template, **context):
    """Ask for confirmation, then ``reset`` a calendar feed's address (the old one stops
    working) and go ``back``."""
    form = BaseForm()
    if submit(reset, done, form=form).ok:
        return redirect(back)
    return render_template(template, form=form, **context)


@bp.route("/calendar/<token>.ics")
@public
def ical_user(token):
    user = deadlines.user_by_token(db.session, token) or abort(404)
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _ics(deadlines.user_feed_tasks(db.session, user),
                    _("Deadlines of %(name)s", name=user.full_name))


@bp.route("/calendar/unit/<token>.ics")
@public
def ical_unit(token):
    unit = deadlines.unit_by_token(db.session, token) or abort(404)
    return _ics(deadlines.unit_feed_tasks(db.session, unit),
                _("Deadlines of %(name)s", name=unit.name))
