"""The logged-in user's notifications: the list, and marking them as read."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import signed_in
from taskforce.services import clock, notifications
from taskforce.web.helpers import is_safe_next
from taskforce.web.notifications import bp
from taskforce.web.notifications.forms import ReadForm
from taskforce.web.submit import submit
from taskforce.web.utils import paginate


@bp.route("/notifications")
@signed_in
def index():
    unread_only = request.args.get("unread") == "1"
    page = paginate(db, notifications.for_user(current_user, unread_only=unread_only))
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           describe=notifications.describe)


@bp.route("/notifications/read", methods=["POST"])
@signed_in
def read():
    form = ReadForm()
    if form.validate_on_submit():
        ids = [form.id.data] if form.id.data else None
        submit(lambda: notifications.mark_read(db.session, current_user, ids=ids, now=clock.now()),
               None if ids else _("All your notifications are marked as read."))
    else:
        flash(_("Nothing was marked as read: the request was not understood."), "warning")
    target = form.next.data
    return redirect(target if is_safe_next(target) else url_for("notifications.index"))
