"""Plans: the list, one plan's indicators (value, target, projection, status, pace), the form
for leaders and administrators, making a plan the default and deleting one, each confirmed."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Plan
from taskforce.permissions import get_or_404, require
from taskforce.services import measures, next_steps, plans
from taskforce.web.plans import bp
from taskforce.web.plans.forms import ConfirmForm, PlanForm
from taskforce.web.submit import submit
from taskforce.web.utils import as_of_arg


@bp.route("/plans")
@require("plans.view")
def index():
    return render_template("plans/index.html", plans=plans.list_plans(db.session))


@bp.route("/plans/<int:plan_id>")
@require("plans.view")
def detail(plan_id):
    plan = get_or_404(Plan, plan_id)
    as_of, date_error = as_of_arg()
    report = plans.evaluate(db.session, plan, as_of)
    return render_template("plans/detail.html", plan=plan, as_of=as_of, date_error=date_error,
                           report=report, steps=next_steps.for_plan(db.session, report),
                           measures=measures.MEASURES)


@bp.route("/plans/new", methods=["GET", "POST"], endpoint="create")
@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@require("plans.manage")
def edit(plan_id=None):
    plan = get_or_404(Plan, plan_id) if plan_id is not None else None
    form = PlanForm()
    if plan is not None and not form.is_submitted():
        form.fill(plan)
    outcome = submit(lambda: plans.save_plan(db.session, plan, form.draft(), actor=current_user),
                     _("The plan has been saved."), form=form)
    if outcome.ok:
        return redirect(url_for("plans.detail", plan_id=outcome.value.id))
    return render_template("plans/edit.html", form=form, plan=plan)


@bp.route("/plans/<int:plan_id>/default", methods=["GET", "POST"])
@require("plans.manage")
def make_default(plan_id):
    plan = get_or_404(Plan, plan_id)
    return _confirmed(plan, plans.set_default,
                      _("“%(name)s” is now the default plan.", name=plan.name),
                      question=_("Make “%(name)s” the default plan? The dashboard and "
                                 "`flask kpi` will follow its indicators.", name=plan.name))


@bp.route("/plans/<int:plan_id>/delete", methods=["GET", "POST"])
@require("plans.manage")
def delete(plan_id):
    plan = get_or_404(Plan, plan_id)
    return _confirmed(plan, plans.delete_plan, _("The plan has been deleted."), danger=True,
                      question=_("Delete the plan “%(name)s” and its indicators? This "
                                 "cannot be undone.", name=plan.name))


def _confirmed(plan, write, done, **page):
    """Ask to confirm, then ``write`` on ``plan`` and go back to the list of plans."""
    form = ConfirmForm()
    if submit(lambda: write(db.session, plan, actor=current_user), done, form=form).ok:
        return redirect(url_for("plans.index"))
    return render_template("plans/confirm.html", form=form, plan=plan, **page)
