"""The units the task force drives: list and unit page."""

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from taskforce.extensions import db
from taskforce.models import Member, Unit, member_units
from taskforce.permissions import get_or_404, require
from taskforce.services import clock, kpi
from taskforce.web.units import bp


@bp.route("/units")
@require("units.view")
def index():
    province, per_unit = kpi.compute(db.session, clock.today())
    return render_template("units/index.html", province=province, per_unit=per_unit)


@bp.route("/units/<int:unit_id>")
@require("units.view")
def detail(unit_id):
    unit = get_or_404(Unit, unit_id)
    today = clock.today()
    _, per_unit = kpi.compute(db.session, today)
    figures = next((fig for u, fig in per_unit if u.id == unit.id), kpi.Figures())
    followers = db.session.scalars(
        select(Member).join(member_units).where(member_units.c.unit_id == unit.id)
        .options(selectinload(Member.user)).order_by(Member.display_order)
    ).all()
    return render_template("units/detail.html", unit=unit, figures=figures,
                           followers=followers, today=today)
