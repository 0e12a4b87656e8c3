"""The settings page."""

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import require
from taskforce.services import clock, settings, workdays
from taskforce.services.errors import DomainError
from taskforce.web.settings import bp
from taskforce.web.settings.forms import SettingsForm
from taskforce.web.utils import apply_error


@bp.route("/admin/settings", methods=["GET", "POST"])
@require("settings.manage")
def index():
    form = SettingsForm()
    if form.validate_on_submit():
        try:
            changes = settings.save(db.session, actor=current_user, now=clock.now(),
                                    values=form.values())
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The settings have been saved.") if changes else _("Nothing was changed."),
                  "success")
            return redirect(url_for("settings.index"))
    elif not form.is_submitted():
        form.fill(settings.current_values(db.session))
    return render_template("settings/index.html", form=form,
                           holidays=_coming_days_off(clock.today()))


def _coming_days_off(today):
    """The days off and make-up working days of the next twelve months, to check them."""
    calendar = workdays.calendar(db.session, language=get_locale().language)
    return calendar.exceptions(today, today + timedelta(days=365))
