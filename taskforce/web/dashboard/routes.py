"""The dashboard: the province's share of services at level 4 against the target."""

from flask import redirect, render_template, url_for

from taskforce.extensions import db
from taskforce.permissions import public, require
from taskforce.services import clock, kpi, settings
from taskforce.web.dashboard import bp


@bp.route("/")
@public
def home():
    return redirect(url_for("dashboard.index"))


@bp.route("/dashboard")
@require("dashboard.view")
def index():
    today = clock.today()
    province, per_unit = kpi.compute(db.session, today)
    return render_template(
        "dashboard/index.html",
        today=today,
        province=province,
        per_unit=per_unit,
        target=settings.target_share(db.session),
        target_on=settings.target_on(db.session),
        national=settings.national_share(db.session),
    )
