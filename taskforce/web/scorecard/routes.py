"""The scorecard: a period's table, the import with its preview, a unit's weakest group."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import ScoreTable, Unit
from taskforce.permissions import get_or_404, require
from taskforce.services import clock, scorecard, spreadsheets
from taskforce.web import uploads
from taskforce.web.scorecard import bp
from taskforce.web.scorecard.forms import (
    ConfirmForm,
    TaskForm,
    UploadForm,
    YardstickForm,
)
from taskforce.web.submit import attempt, submit
from taskforce.web.utils import page_of_list

PREVIEW_LIMIT = 200


@bp.route("/scorecard")
@require("scorecard.view")
def index():
    tables = scorecard.periods(db.session)
    asked = request.args.get("period", "")
    table = next((t for t in tables if scorecard.of_table(t).label == asked),
                 tables[0] if tables and not asked else None)
    if asked and table is None:
        abort(404)
    board = scorecard.board(db.session, table) if table is not None else None
    return render_template(
        "scorecard/index.html", tables=tables, board=board, groups=scorecard.GROUPS,
        period=scorecard.of_table, label=scorecard.group_label,
        page=page_of_list(board.lines) if board else None, task_form=TaskForm())


def _plan(data, filename, period_text, create_units):
    period = scorecard.parse_period(period_text)
    return scorecard.plan_scorecard(db.session, data, filename, period,
                                    create_units=create_units)


def _preview(plan, token):
    form = ConfirmForm(formdata=None, token=token, filename=plan.filename,
                       period=plan.period.label, create_units="1" if plan.create_units else "")
    return render_template("scorecard/preview.html", plan=plan, form=form, token=token,
                           place=scorecard.place, limit=PREVIEW_LIMIT)


@bp.route("/scorecard/import", methods=["GET", "POST"])
@require("scorecard.import")
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        data = file.stream.read(spreadsheets.MAX_FILE_BYTES + 1)
        planned = attempt(lambda: _plan(data, file.filename, form.period.data,
                                        form.create_units.data), form=form)
        if planned.ok:
            token = uploads.keep(data, file.filename) if planned.value.ok else None
            return _preview(planned.value, token)
    return render_template("scorecard/import.html", form=form)


@bp.route("/scorecard/import/confirm", methods=["POST"])
@require("scorecard.import")
def confirm():
    form = ConfirmForm()
    data, expired = uploads.take_confirmed(form, "scorecard.upload")
    if expired:
        return expired
    done = submit(lambda: scorecard.import_scorecard(
        db.session, data, form.filename.data, scorecard.parse_period(form.period.data),
        create_units=form.create_units.data == "1", actor=current_user, now=clock.now()),
        lambda plan: _("The scores of %(period)s have been imported.",
                       period=plan.period.label) if plan.ok else None)
    if not done.ok:
        return redirect(url_for("scorecard.upload"))
    if not done.value.ok:  # the data changed since the preview: nothing was written
        return _preview(done.value, None)
    return redirect(url_for("scorecard.index", period=done.value.period.label))


@bp.route("/scorecard/<int:table_id>/units/<int:unit_id>/task", methods=["GET", "POST"])
@require("tasks.manage")
def weakest_task(table_id, unit_id):
    table, unit = get_or_404(ScoreTable, table_id), get_or_404(Unit, unit_id)
    form = TaskForm()
    made = submit(lambda: scorecard.create_weakest_task(
        db.session, table, unit, actor=current_user, today=clock.today(), now=clock.now()),
        _("The task has been created."), form=form)
    if made.ok:
        return redirect(url_for("tasks.detail", task_id=made.value.id))
    drafted = attempt(lambda: scorecard.task_draft(db.session, table, unit,
                                                   today=clock.today()))
    if not drafted.ok:
        abort(404)
    return render_template("scorecard/task.html", draft=drafted.value, table=table, unit=unit,
                           period=scorecard.of_table(table), form=form)


@bp.route("/scorecard/settings", methods=["GET", "POST"])
@require("settings.manage")
def yardstick():
    low, high = scorecard.thresholds(db.session)
    form = YardstickForm(data={"low": low, "high": high, **{
        group.lower(): value for group, value in scorecard.maxima(db.session).items()}})
    saved = submit(lambda: scorecard.save_yardstick(db.session, form.yardstick(),
                                                    actor=current_user, now=clock.now()),
                   _("The scorecard's thresholds and group maxima have been saved."), form=form)
    if saved.ok:
        return redirect(url_for("scorecard.index"))
    return render_template("scorecard/settings.html", form=form, label=scorecard.group_label)
