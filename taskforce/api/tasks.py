"""/api/v1/tasks: the task list with the web list's filters, one task with its timeline, its
creation and edit by the leadership, status updates with files, acceptance and return,
extension requests and decisions; /api/v1/files: evidence files. Each through the same
services and permission checks as the task pages."""

from flask import current_app, send_file
from flask_babel import gettext as _

from taskforce import permissions
from taskforce.api import schemas as s
from taskforce.api.base import api_blueprint, caller, change, get_or_404, paged, refuse
from taskforce.api.views import With, action, entry
from taskforce.extensions import db
from taskforce.models import Attachment, ExtensionRequest, Task
from taskforce.services import clock, files, tasks
from taskforce.web.submit import attempt

bp = api_blueprint("api_tasks", "Tasks, their updates, decisions and evidence files.")

EDITABLE = ("title", "description", "priority", "follower", "doc_number", "doc_date",
            "doc_title")


def _listed(items):
    figures = tasks.figures(db.session, items, clock.today())
    return [With(task, figures=figures[task.id]) for task in items]


@bp.route("/tasks")
@action("tasks.view")
@bp.arguments(s.TaskQuery, location="query", as_kwargs=False)
@bp.response(200, s.page_of(s.TaskListItem, "TaskPage"))
def list_tasks(args):
    """The tasks the token's user may see, filtered and paged as the web's task list."""
    filters = tasks.Filters(
        unit_id=args["unit"], member_id=args["member"], status=args["status"],
        kind=args["kind"], due_within=args["due_within"], overdue=args["overdue"],
        q=args["q"], sort=args["sort"], direction=args["dir"])
    return paged(tasks.search(filters, user=caller(), today=clock.today()), dict(args),
                 _listed)


@bp.route("/tasks", methods=["POST"])
@action("tasks.manage")
@bp.arguments(s.TaskCreate)
@bp.response(201, s.TaskOut)
def create_task(body):
    """Create a task (the leadership), checked as the task form is."""
    draft = tasks.TaskDraft(**{**body, "services": tuple(body["services"])})
    return change(lambda: tasks.create_task(db.session, draft, actor=caller(),
                                            today=clock.today(), now=clock.now()))


@bp.route("/tasks/<int:task_id>")
@action("tasks.view")
@bp.response(200, s.TaskDetail)
def get_task(task_id):
    """One task with its figures, what the caller may do to it now, and its timeline."""
    task = get_or_404(Task, task_id, "tasks.view")
    page = tasks.task_page(db.session, task, clock.today())
    return With(task, figures=page.figures,
                actions=sorted(permissions.task_actions(caller(), task)),
                timeline=[entry(item) for item in page.timeline])


@bp.route("/tasks/<int:task_id>", methods=["PATCH"])
@action("tasks.manage")
@bp.arguments(s.TaskEdit)
@bp.response(200, s.TaskOut)
def edit_task(body, task_id):
    """Change a task's wording, priority, follower or document; fields left out stay."""
    task = get_or_404(Task, task_id, "tasks.view")
    current = {"title": task.title, "description": task.description or "",
               "priority": task.priority, "follower": task.follower_id,
               "doc_number": task.doc_number, "doc_date": task.doc_date,
               "doc_title": task.doc_title}
    return change(lambda: tasks.edit_task(db.session, task, actor=caller(), now=clock.now(),
                                          **{**current, **body}))


@bp.route("/tasks/<int:task_id>/updates", methods=["POST"])
@action("tasks.log")
@bp.arguments(s.StatusUpdateForm, location="form")
@bp.arguments(s.Evidence, location="files")
@bp.doc(requestBody={"required": True, "content": {"multipart/form-data": {
    "schema": {"$ref": "#/components/schemas/StatusUpdateMultipart"}}}})
@bp.response(201, s.UpdateOut)
def log_update(form, uploads, task_id):
    """Log progress, a note, a status (in_progress or reported) and evidence files
    (multipart/form-data, field ``files``, up to five)."""
    task = get_or_404(Task, task_id, "tasks.view")
    config = current_app.config
    row = change(lambda: tasks.log_update(
        db.session, task, actor=caller(), now=clock.now(), today=clock.today(),
        note=form["note"], progress=form["progress"], status=form["status"] or None,
        uploads=uploads["files"], upload_dir=config["UPLOAD_DIR"],
        max_bytes=config["MAX_UPLOAD_BYTES"]))
    return With(row, files=[attachment.id for attachment in row.attachments])


@bp.route("/tasks/<int:task_id>/accept", methods=["POST"])
@action("claims.verify")
@bp.arguments(s.AcceptBody)
@bp.response(200, s.TaskOut)
def accept_task(body, task_id):
    """Accept a task reported done (with a shortfall and its reason: the leadership)."""
    task = get_or_404(Task, task_id, "tasks.view")
    change(lambda: tasks.accept_task(db.session, task, actor=caller(), now=clock.now(),
                                     today=clock.today(), **body))
    return task


@bp.route("/tasks/<int:task_id>/return", methods=["POST"])
@action("claims.verify")
@bp.arguments(s.ReasonBody)
@bp.response(200, s.TaskOut)
def return_task(body, task_id):
    """Send a task reported done back to its unit, with the reason."""
    task = get_or_404(Task, task_id, "tasks.view")
    change(lambda: tasks.return_task(db.session, task, actor=caller(), now=clock.now(),
                                     today=clock.today(), reason=body["reason"]))
    return task


@bp.route("/tasks/<int:task_id>/extensions", methods=["POST"])
@action("tasks.log")
@bp.arguments(s.ExtensionBody)
@bp.response(201, s.ExtensionOut)
def request_extension(body, task_id):
    """Ask the leadership for a later due date, with the reason."""
    task = get_or_404(Task, task_id, "tasks.view")
    return change(lambda: tasks.request_extension(
        db.session, task, actor=caller(), now=clock.now(), today=clock.today(), **body))


@bp.route("/tasks/<int:task_id>/extensions/<int:extension_id>/decision", methods=["POST"])
@action("tasks.manage")
@bp.arguments(s.DecisionBody)
@bp.response(200, s.ExtensionOut)
def decide_extension(body, task_id, extension_id):
    """Approve (the due date moves) or refuse an extension request."""
    get_or_404(Task, task_id, "tasks.view")
    request = get_or_404(ExtensionRequest, extension_id)
    if request.task_id != task_id:
        refuse(404, _("This task has no such extension request."))
    return change(lambda: tasks.decide_extension(db.session, request, actor=caller(),
                                                 now=clock.now(), **body))


@bp.route("/files/<int:file_id>")
@action("evidence.view")
@bp.response(200, content_type="application/octet-stream",
             description="The file, with its own content type.")
def get_file(file_id):
    """An evidence file of a task, a status update or a claim."""
    attachment = get_or_404(Attachment, file_id, "evidence.view")
    opened = attempt(lambda: files.open_attachment(attachment, current_app.config["UPLOAD_DIR"]))
    if not opened.ok:
        refuse(404, _("The file is missing from the storage."))
    return send_file(opened.value, mimetype="application/octet-stream", as_attachment=True,
                     download_name=files.display_name(attachment.original_name), max_age=0)
