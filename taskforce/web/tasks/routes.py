"""Task views: list, board, my work, the task page, updates, claims, decisions, extensions."""

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce import permissions
from taskforce.extensions import db
from taskforce.models import ExtensionRequest, LevelChange, Task, TaskKind
from taskforce.permissions import can, get_or_404, require
from taskforce.services import clock, tasks, units
from taskforce.services.exports import XLSX_MIMETYPE
from taskforce.web.submit import submit
from taskforce.web.tasks import bp
from taskforce.web.tasks.forms import (
    AcceptForm,
    DecideForm,
    EditTaskForm,
    ExtensionForm,
    ReasonForm,
    TaskClaimForm,
    TaskForm,
    UpdateForm,
)
from taskforce.web.utils import int_arg, paginate, upload_settings

MAX_DAYS = 3650


@bp.context_processor
def task_labels():
    return {"status_choices": tasks.status_choices}


def _filters():
    args = request.args
    due_within = int_arg("due_within")
    return tasks.Filters(
        unit_id=int_arg("unit"), member_id=int_arg("member"), status=args.get("status", ""),
        kind=args.get("kind", ""),
        due_within=min(due_within, MAX_DAYS) if due_within is not None else None,
        overdue=args.get("overdue") == "1", q=args.get("q", "")[:200],
        sort=args.get("sort", "due"), direction=args.get("dir", ""))


def _choices():
    return {"units": units.unit_options(db.session),
            "members": tasks.member_choices(db.session)}


def _to_task(task):
    return redirect(url_for("tasks.detail", task_id=task.id))


@bp.route("/tasks")
@require("tasks.view")
def index():
    today, filters = clock.today(), _filters()
    page = paginate(db, tasks.search(filters, user=current_user, today=today))
    return render_template("tasks/index.html", page=page, filters=filters, today=today,
                           figures=tasks.figures(db.session, page.items, today), **_choices())


@bp.route("/tasks/export.xlsx")
@require("tasks.view")
def export():
    today = clock.today()
    data = tasks.export_workbook(db.session, _filters(), user=current_user, today=today)
    return send_file(BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"nhiem-vu-{today:%Y-%m-%d}.xlsx", max_age=0)


@bp.route("/tasks/board")
@require("tasks.view")
def board():
    today, filters = clock.today(), _filters()
    columns, shown = tasks.board(db.session, filters, user=current_user, today=today)
    return render_template("tasks/board.html", columns=columns, filters=filters, today=today,
                           figures=tasks.figures(db.session, shown, today),
                           cap=tasks.BOARD_CAP, **_choices())


@bp.route("/my-work")
@require("tasks.view")
def mine():
    today = clock.today()
    query = tasks.my_tasks(db.session, current_user)
    page = paginate(db, query) if query is not None else None
    awaiting = tasks.awaiting_acceptance(db.session) if can(current_user, "claims.verify") \
        else []
    leading = can(current_user, "tasks.manage")
    overdue = tasks.overdue_tasks(db.session, today) if leading else []
    extensions = tasks.pending_extensions(db.session) if leading else []
    shown = (page.items if page else []) + awaiting + overdue
    return render_template("tasks/mine.html", page=page, awaiting=awaiting, overdue=overdue,
                           extensions=extensions, today=today,
                           figures=tasks.figures(db.session, shown, today))


def _new_form():
    form = TaskForm()
    if not form.is_submitted():
        form.kind.data = request.args.get("kind", TaskKind.GENERAL)
        form.unit_id.data = int_arg("unit") or 0
    unit_id = form.unit_id.data or None
    form.fill_choices(units.list_units(db.session), tasks.member_choices(db.session),
                      tasks.upgradable_services(db.session, unit_id))
    if unit_id and not form.follower_id.data:
        follower = tasks.unit_follower(db.session, unit_id)
        form.follower_id.data = follower.id if follower else 0
    return form


@bp.route("/tasks/new", methods=["GET", "POST"])
@require("tasks.manage")
def new():
    form = _new_form()
    if not form.load.data:  # "load" only shows the chosen unit's services
        created = submit(lambda: _create(form), _("The task has been created and its unit told."),
                         form=form)
        if created.ok:
            return _to_task(created.value)
    return render_template("tasks/new.html", form=form)


def _create(form):
    return tasks.create_task(db.session, form.draft(), actor=current_user, today=clock.today(),
                             now=clock.now())


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@require("tasks.manage")
def edit(task_id):
    task = get_or_404(Task, task_id, current_user, "tasks.manage")
    form = EditTaskForm(obj=task)
    form.fill_choices(tasks.member_choices(db.session))
    if not form.is_submitted():
        form.follower_id.data = task.follower_id or 0
    if submit(lambda: tasks.edit_task(
            db.session, task, actor=current_user, now=clock.now(), title=form.title.data,
            description=form.description.data, priority=form.priority.data,
            follower=form.follower_id.data or None, doc_number=form.doc_number.data,
            doc_date=form.doc_date.data, doc_title=form.doc_title.data),
            _("The task has been saved."), form=form).ok:
        return _to_task(task)
    return render_template("tasks/edit.html", form=form, task=task)


def _update_form(task):
    form = UpdateForm()
    form.fill_choices(task.status, tasks.allowed_update_statuses(task))
    if task.kind == TaskKind.UPGRADE:
        del form.progress  # computed from the verified services, never typed in
    return form


def _claim_form(task):
    form = TaskClaimForm()
    form.fill_choices(task.services)
    if not form.is_submitted():
        form.to_level.data = 4
        form.effective_on.data = clock.today()
    return form


def _render_detail(task, update_form=None, claim_form=None):
    today = clock.today()
    return render_template(
        "tasks/detail.html", task=task, today=today, data=tasks.task_page(db.session, task, today),
        update_form=update_form or _update_form(task), claim_form=claim_form or _claim_form(task),
        accept_form=AcceptForm(), decide_form=DecideForm(),
        own_report=permissions.refusal(current_user, task, "accept") == "own_report")


@bp.route("/tasks/<int:task_id>")
@require("tasks.view")
def detail(task_id):
    return _render_detail(get_or_404(Task, task_id, current_user, "tasks.view"))


@bp.route("/tasks/<int:task_id>/updates", methods=["POST"])
@require("tasks.log")
def update(task_id):
    return _post_on_page(task_id, "update_form", _update_form, tasks.log_update,
                         _("The update has been logged."))


@bp.route("/tasks/<int:task_id>/claims", methods=["POST"])
@require("tasks.log")
def claim(task_id):
    return _post_on_page(task_id, "claim_form", _claim_form, tasks.claim_service,
                         _("The claim has been sent for verification."))


def _post_on_page(task_id, slot, make_form, write, done):
    """A form of the task page posted by one who may log on the task: ``write`` what it
    holds, then back to the task, or the page again with the form (in its ``slot``) showing
    what is wrong."""
    task = get_or_404(Task, task_id, current_user, "tasks.log")
    form = make_form(task)
    if submit(lambda: write(db.session, task, actor=current_user, now=clock.now(),
                            today=clock.today(), **form.typed(), **upload_settings()),
              done, form=form).ok:
        return _to_task(task)
    return _render_detail(task, **{slot: form})


@bp.route("/tasks/<int:task_id>/claims/<int:change_id>/verify", methods=["POST"])
@require("claims.verify")
def verify_claim(task_id, change_id):
    task = get_or_404(Task, task_id, current_user, "tasks.view")
    change = get_or_404(LevelChange, change_id, current_user, "claims.verify")
    if AcceptForm().validate_on_submit():
        submit(lambda: tasks.verify_task_claim(db.session, task, change, actor=current_user,
                                               now=clock.now()),
               _("The claim has been verified."))
    return _to_task(task)


@bp.route("/tasks/<int:task_id>/accept", methods=["POST"])
@require("claims.verify")
def accept(task_id):
    task = get_or_404(Task, task_id, current_user, "claims.verify")
    form = AcceptForm()
    if form.validate_on_submit():
        submit(lambda: tasks.accept_task(db.session, task, actor=current_user, now=clock.now(),
                                         today=clock.today(), note=form.note.data,
                                         shortfall_reason=form.shortfall_reason.data),
               lambda _row: _("The task has been accepted with a shortfall.")
               if task.has_shortfall else _("The task has been accepted as done."))
    return _to_task(task)


@bp.route("/tasks/<int:task_id>/return", methods=["GET", "POST"])
@require("claims.verify")
def return_task(task_id):
    return _with_reason(task_id, "claims.verify", tasks.return_task,
                        _("The task has been returned to the unit."), "tasks/return.html")


@bp.route("/tasks/<int:task_id>/cancel", methods=["GET", "POST"])
@require("tasks.manage")
def cancel(task_id):
    return _with_reason(task_id, "tasks.manage", tasks.cancel_task,
                        _("The task has been cancelled."), "tasks/cancel.html")


def _with_reason(task_id, action, transition, done, template):
    """Ask for the reason of ``transition`` (return, cancel), then make it."""
    task = get_or_404(Task, task_id, current_user, action)
    form = ReasonForm()
    if submit(lambda: transition(db.session, task, actor=current_user, now=clock.now(),
                                 today=clock.today(), reason=form.reason.data),
              done, form=form).ok:
        return _to_task(task)
    return render_template(template, form=form, task=task)


@bp.route("/tasks/<int:task_id>/extensions/new", methods=["GET", "POST"])
@require("tasks.log")
def extension_request(task_id):
    task = get_or_404(Task, task_id, current_user, "tasks.log")
    form = ExtensionForm()
    if submit(lambda: tasks.request_extension(
            db.session, task, actor=current_user, now=clock.now(), today=clock.today(),
            requested_due_on=form.requested_due_on.data, reason=form.reason.data),
            _("The extension has been asked for; the leadership will decide."), form=form).ok:
        return _to_task(task)
    return render_template("tasks/extension.html", form=form, task=task)


@bp.route("/tasks/<int:task_id>/extensions/<int:ext_id>/decide", methods=["POST"])
@require("tasks.manage")
def extension_decide(task_id, ext_id):
    request_row = get_or_404(ExtensionRequest, ext_id, current_user, "tasks.manage")
    if request_row.task_id != task_id:
        abort(404)
    form = DecideForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to approve or refuse the extension."), "error")
        return redirect(url_for("tasks.detail", task_id=task_id))
    approve = form.decision.data == "approve"
    submit(lambda: tasks.decide_extension(db.session, request_row, actor=current_user,
                                          now=clock.now(), approve=approve, note=form.note.data),
           _("The extension has been approved: the due date has moved.") if approve
           else _("The extension has been refused."))
    return redirect(url_for("tasks.detail", task_id=task_id))
