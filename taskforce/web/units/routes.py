"""The units the task force drives: list and unit page."""

from flask import render_template
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Unit
from taskforce.permissions import can, get_or_404, require
from taskforce.services import clock, kpi, plans, roster, scorecard, tasks
from taskforce.web.tasks.calendar_routes import unit_feed_url
from taskforce.web.tasks.routes import task_labels
from taskforce.web.units import bp
from taskforce.web.utils import paginate

TASKS_PER_PAGE = 20


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
    figures = kpi.unit_figures(db.session, unit, today)
    return render_template("units/detail.html", unit=unit, figures=figures,
                           followers=roster.followers_of(db.session, unit), today=today,
                           plan_for_unit=plans.unit_report(db.session, unit.id, today),
                           scores=scorecard.unit_history(db.session, unit),
                           score_groups=scorecard.GROUPS,
                           **_unit_tasks(unit, today))


def _unit_tasks(unit, today):
    """The unit's tasks (open ones first) with their class, for those who may see them."""
    if not can(current_user, "units.tasks", unit):
        return {"task_page": None}
    filters = tasks.Filters(unit_id=unit.id, sort="status")
    page = paginate(db, tasks.search(filters, user=current_user, today=today),
                    per_page=TASKS_PER_PAGE)
    return {"task_page": page, "task_figures": tasks.figures(db.session, page.items, today),
            "task_classes": tasks.count_by_classification(db.session, today, unit.id),
            "unit_feed": unit_feed_url(unit), **task_labels()}
