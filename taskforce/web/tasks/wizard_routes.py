"""The assignment wizard: choose units and dates, review the quotas, create the tasks at once.

The wizard keeps no state on the server: step 2 carries step 1 in hidden fields, and the
final POST checks all of it again before any task is made.
"""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import require
from taskforce.services import assignment, clock, roster, settings, units
from taskforce.web.submit import attempt, submit
from taskforce.web.tasks import bp
from taskforce.web.tasks.wizard_forms import WizardForm, read_choices, read_ticks


def _form():
    form = WizardForm()
    form.fill_choices(units.list_units(db.session))
    if not form.is_submitted():
        today = clock.today()
        target_on = settings.target_on(db.session)
        form.target_on.data = target_on
        form.due_on.data = target_on if target_on and target_on >= today else None
        form.title.data = _("Upgrade online public services to level 4")
        form.description.data = _(
            "Bring the ticked services to level 4: online payment, connection to the "
            "Ministry's evaluation system, results returned online. Claim each new level "
            "with its evidence.")
    return form


def _step1(form):
    return render_template("tasks/wizard.html", form=form)


def _step2(form, plans, ticks=None, failed_unit=None):
    return render_template("tasks/wizard_review.html", form=form, plans=plans, ticks=ticks,
                           failed_unit=failed_unit, members=roster.list_members(db.session),
                           target=settings.target_share(db.session),
                           effect=assignment.effect(db.session, plans, clock.today()))


def _posted_ticks(unit_ids):
    """The services ticked on step 2, or None when the post names unknown ones."""
    return attempt(lambda: read_ticks(request.form, unit_ids)).value


def _assigned(made):
    return ngettext("%(num)s upgrade task has been assigned.",
                    "%(num)s upgrade tasks have been assigned.", len(made))


def _create(form):
    unit_ids = list(dict.fromkeys(form.units.data))
    today = clock.today()
    # A refusal names the unit in its message, so it goes above the whole review.
    made = submit(lambda: assignment.assign(
        db.session, actor=current_user, today=today, common=form.common(), now=clock.now(),
        choices=read_choices(request.form, unit_ids)), _assigned, form=form, above=True)
    if made.ok:
        return redirect(url_for("tasks.index"))
    return _review(form, today, ticks=_posted_ticks(unit_ids),
                   failed_unit=getattr(made.error, "unit_id", None))


def _plan(form, today):
    assignment.check_common(form.common(), today)
    return assignment.plan(db.session, unit_ids=form.units.data, today=today,
                           title=form.title.data)


def _review(form, today, **kw):
    planned = attempt(lambda: _plan(form, today), form=form)
    return _step2(form, planned.value, **kw) if planned.ok else _step1(form)


@bp.route("/tasks/assign", methods=["GET", "POST"])
@require("tasks.manage")
def wizard():
    form = _form()
    action = request.form.get("action")
    if not form.is_submitted() or action == "back" or not form.validate():
        return _step1(form)
    if action == "create":
        return _create(form)
    return _review(form, clock.today())
