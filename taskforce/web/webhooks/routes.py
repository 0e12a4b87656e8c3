"""/admin/webhooks: the subscriptions, each one's page with its deliveries and a test send,
and its removal confirmed."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import WebhookSubscription
from taskforce.permissions import get_or_404, require
from taskforce.services import clock, webhooks
from taskforce.web.submit import submit
from taskforce.web.webhooks import bp
from taskforce.web.webhooks.forms import ConfirmForm, WebhookForm


@bp.route("/admin/webhooks", methods=["GET", "POST"])
@require("webhooks.manage")
def index():
    form = WebhookForm()
    outcome = submit(lambda: webhooks.create(db.session, form.draft(), actor=current_user,
                                             now=clock.now()),
                     _("The webhook is registered."), form=form)
    if outcome.ok:
        return redirect(url_for("webhooks.edit", webhook_id=outcome.value.id))
    return render_template("webhooks/index.html", form=form,
                           subscriptions=webhooks.subscriptions(db.session))


@bp.route("/admin/webhooks/<int:webhook_id>", methods=["GET", "POST"])
@require("webhooks.manage")
def edit(webhook_id):
    subscription = get_or_404(WebhookSubscription, webhook_id)
    form = WebhookForm(name=subscription.name, url=subscription.url,
                       events=list(subscription.event_names), active=subscription.active)
    if submit(lambda: webhooks.update_subscription(db.session, subscription, form.draft(),
                                                   actor=current_user, now=clock.now()),
              _("The webhook is saved."), form=form).ok:
        return redirect(url_for("webhooks.edit", webhook_id=webhook_id))
    return render_template("webhooks/edit.html", form=form, subscription=subscription,
                           deliveries=webhooks.deliveries_of(db.session, subscription))


@bp.route("/admin/webhooks/<int:webhook_id>/test", methods=["POST"])
@require("webhooks.manage")
def test(webhook_id):
    subscription = get_or_404(WebhookSubscription, webhook_id)
    submit(lambda: webhooks.test_send(db.session, subscription, actor=current_user,
                                      now=clock.now()),
           _("A test event is queued: the delivery pass sends it within a minute; its outcome "
             "shows below and in the outbox."))
    return redirect(url_for("webhooks.edit", webhook_id=webhook_id))


@bp.route("/admin/webhooks/<int:webhook_id>/delete", methods=["GET", "POST"])
@require("webhooks.manage")
def delete(webhook_id):
    subscription = get_or_404(WebhookSubscription, webhook_id)
    form = ConfirmForm()
    if submit(lambda: webhooks.delete(db.session, subscription, actor=current_user,
                                      now=clock.now()),
              _("The webhook is removed."), form=form).ok:
        return redirect(url_for("webhooks.index"))
    return render_template("webhooks/delete.html", form=form, subscription=subscription)
