"""Reorganisations of units from a sheet: upload, preview with every refusal, confirm."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import require
from taskforce.services import clock, reorganisation_sheet, reorganisations, spreadsheets
from taskforce.web import uploads
from taskforce.web.admin import bp
from taskforce.web.admin.reorganisation_forms import (
    ConfirmReorganisationForm,
    ReorganisationUploadForm,
)
from taskforce.web.submit import attempt, submit


def _preview(plan, token):
    form = ConfirmReorganisationForm(formdata=None, token=token, filename=plan.filename)
    return render_template("admin/reorganisation_preview.html", plan=plan, form=form,
                           token=token)


@bp.route("/admin/reorganisations", methods=["GET", "POST"])
@require("units.reorganise")
def reorganisations_page():
    form = ReorganisationUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(spreadsheets.MAX_FILE_BYTES + 1)
        planned = attempt(lambda: reorganisation_sheet.plan_sheet(db.session, data,
                                                                  upload.filename), form=form)
        if planned.ok:
            plan = planned.value
            return _preview(plan, uploads.keep(data, upload.filename) if plan.ok else None)
    return render_template("admin/reorganisations.html", form=form,
                           events=reorganisations.history(db.session))


@bp.route("/admin/reorganisations/confirm", methods=["POST"])
@require("units.reorganise")
def reorganisations_confirm():
    form = ConfirmReorganisationForm()
    data, expired = uploads.take_confirmed(form, "admin.reorganisations_page")
    if expired:
        return expired
    recorded = submit(lambda: reorganisation_sheet.record_file(
        db.session, data, form.filename.data, actor=current_user, today=clock.today(),
        now=clock.now()), _recorded)
    if recorded.ok and not recorded.value.ok:  # the units changed since the preview
        return _preview(recorded.value, None)
    return redirect(url_for("admin.reorganisations_page"))


def _recorded(plan):
    if not plan.ok:
        return None
    return _("Recorded: %(count)s reorganisations.", count=len(plan.events))
