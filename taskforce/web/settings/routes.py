"""The settings page."""

from datetime import timedelta

from flask import redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import require
from taskforce.services import clock, settings, workdays
from taskforce.web.settings import bp
from taskforce.web.settings.forms import SettingsForm
from taskforce.web.submit import submit


@bp.route("/admin/settings", methods=["GET", "POST"])
@require("settings.manage")
def index():
    form = SettingsForm()
    if submit(lambda: settings.save(db.session, actor=current_user, now=clock.now(),
                                    values=form.values()), _saved, form=form).ok:
        return redirect(url_for("settings.index"))
    if not form.is_submitted():
        form.fill(settings.current_values(db.session))
    return render_template("settings/index.html", form=form,
                           holidays=_coming_days_off(clock.today()))


def _saved(changes):
    return _("The settings have been saved.") if changes else _("Nothing was changed.")


def _coming_days_off(today):
    """The days off and make-up working days of the next twelve months, to check them."""
    calendar = workdays.calendar(db.session, language=get_locale().language)
    return calendar.exceptions(today, today + timedelta(days=365))
