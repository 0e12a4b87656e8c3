"""/api/v1/tasks: the task list with the web list's filters, one task with its timeline, its
creation and edit by the leadership, status updates with files, acceptance and return,
extension requests and decisions; /api/v1/files: evidence files. Each through the same
services and permission checks as the task pages."""

from flask import current_app, send_file
from flask_babel import gettext as _

from taskforce import permissions
from taskforce.api import schemas as s
from taskforce.api.base import act, api_blueprint, caller, get_or_404, paged, refuse
from taskforce.api.views import With, action, endpoint, entry
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


@endpoint(bp, "/tasks", "tasks.view", query=s.TaskQuery,
          answer=s.page_of(s.TaskListItem, "TaskPage"))
def list_tasks(args):
    """The tasks the token's user may see, filtered and paged as the web's task list."""
    filters = tasks.Filters(
        unit_id=args["unit"], member_id=args["member"], status=args["status"],
        kind=args["kind"], due_within=args["due_within"], overdue=args["overdue"],
        q=args["q"], sort=args["sort"], direction=args["dir"])
    return paged(tasks.search(filters, user=caller(), today=clock.today()), dict(args),
                 _listed)


@endpoint(bp, "/tasks", "tasks.manage", methods=["POST"], body=s.TaskCreate, answer=s.TaskOut,
          status=201)
def create_task(body):
    """Create a task (the leadership), checked as the task form is."""
    draft = tasks.TaskDraft(**{**body, "services": tuple(body["services"])})
    return act(tasks.create_task, draft, today=True)


@endpoint(bp, "/tasks/<int:task_id>", "tasks.view", answer=s.TaskDetail)
def get_task(task_id):
    """One task with its figures, what the caller may do to it now, and its timeline."""
    task = get_or_404(Task, task_id, "tasks.view")
    page = tasks.task_page(db.session, task, clock.today())
    return With(task, figures=page.figures,
                actions=sorted(permissions.task_actions(caller(), task)),
                timeline=[entry(item) for item in page.timeline])


@endpoint(bp, "/tasks/<int:task_id>", "tasks.manage", methods=["PATCH"], body=s.TaskEdit,
          answer=s.TaskOut)
def edit_task(body, task_id):
    """Change a task's wording, priority, follower or document; fields left out stay."""
    task = get_or_404(Task, task_id, "tasks.view")
    current = {"title": task.title, "description": task.description or "",
               "priority": task.priority, "follower": task.follower_id,
               "doc_number": task.doc_number, "doc_date": task.doc_date,
               "doc_title": task.doc_title}
    return act(tasks.edit_task, task, **{**current, **body})


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
    row = act(tasks.log_update, task, today=True, note=form["note"],
              progress=form["progress"], status=form["status"] or None,
              uploads=uploads["files"], upload_dir=config["UPLOAD_DIR"],
              max_bytes=config["MAX_UPLOAD_BYTES"])
    return With(row, files=[attachment.id for attachment in row.attachments])


@endpoint(bp, "/tasks/<int:task_id>/accept", "claims.verify", methods=["POST"],
          body=s.AcceptBody, answer=s.TaskOut)
def accept_task(body, task_id):
    """Accept a task reported done (with a shortfall and its reason: the leadership)."""
    task = get_or_404(Task, task_id, "tasks.view")
    act(tasks.accept_task, task, today=True, **body)
    return task


@endpoint(bp, "/tasks/<int:task_id>/return", "claims.verify", methods=["POST"],
          body=s.ReasonBody, answer=s.TaskOut)
def return_task(body, task_id):
    """Send a task reported done back to its unit, with the reason."""
    task = get_or_404(Task, task_id, "tasks.view")
    act(tasks.return_task, task, today=True, reason=body["reason"])
    return task


@endpoint(bp, "/tasks/<int:task_id>/extensions", "tasks.log", methods=["POST"],
          body=s.ExtensionBody, answer=s.ExtensionOut, status=201)
def request_extension(body, task_id):
    """Ask the leadership for a later due date, with the reason."""
    return act(tasks.request_extension, get_or_404(Task, task_id, "tasks.view"), today=True,
               **body)


@endpoint(bp, "/tasks/<int:task_id>/extensions/<int:extension_id>/decision", "tasks.manage",
          methods=["POST"], body=s.DecisionBody, answer=s.ExtensionOut)
def decide_extension(body, task_id, extension_id):
    """Approve (the due date moves) or refuse an extension request."""
    get_or_404(Task, task_id, "tasks.view")
    request = get_or_404(ExtensionRequest, extension_id)
    if request.task_id != task_id:
        refuse(404, _("This task has no such extension request."))
    return act(tasks.decide_extension, request, **body)


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
