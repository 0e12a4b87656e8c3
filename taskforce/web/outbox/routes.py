"""Outbox views."""

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.permissions import get_or_404, require
from taskforce.services import clock, reminders
from taskforce.services.mail import outbox, transports
from taskforce.web.outbox import bp
from taskforce.web.submit import submit
from taskforce.web.utils import paginate

# The message's own HTML, shown in a sandboxed frame: no script, nothing fetched.
BODY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; "
               "frame-ancestors 'self'")


@bp.route("/admin/outbox")
@require("outbox.view")
def index():
    state = request.args.get("state")
    state = state if state in outbox.STATES else None
    return render_template("outbox/index.html", page=paginate(db, outbox.outbox_query(state)),
                           state=state, counts=outbox.state_counts(db.session),
                           transport=transports.transport_for(current_app.config))


@bp.route("/admin/outbox/<int:message_id>")
@require("outbox.view")
def detail(message_id):
    message = get_or_404(OutboxMessage, message_id)
    return render_template("outbox/detail.html", message=message,
                           attempts=outbox.attempts_of(db.session, message.id),
                           items=reminders.items_of_message(db.session, message.id))


@bp.route("/admin/outbox/<int:message_id>/body.html")
@require("outbox.view")
def body(message_id):
    message = get_or_404(OutboxMessage, message_id)
    response = current_app.response_class(message.body_html or "", mimetype="text/html")
    response.headers["Content-Security-Policy"] = BODY_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/admin/outbox/<int:message_id>.eml")
@require("outbox.view")
def eml(message_id):
    message = get_or_404(OutboxMessage, message_id)
    email = outbox.build_message(db.session, message,
                                 sender=current_app.config["MAIL_DEFAULT_SENDER"])
    response = current_app.response_class(email.as_bytes(), mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f"attachment; filename=message-{message.id}.eml"
    return response


@bp.route("/admin/outbox/<int:message_id>/send-again", methods=["POST"])
@require("outbox.view")
def send_again(message_id):
    message = get_or_404(OutboxMessage, message_id)
    submit(lambda: outbox.send_again(db.session, message, actor=current_user, now=clock.now()),
           _("The message is queued to be sent again."))
    return redirect(url_for("outbox.detail", message_id=message_id))
