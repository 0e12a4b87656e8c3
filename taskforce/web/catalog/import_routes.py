"""Import of the catalog and of usage figures from Excel or CSV, with a preview."""

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import can, require
from taskforce.services import catalog_import, clock, exports, spreadsheets
from taskforce.web import uploads
from taskforce.web.catalog import bp
from taskforce.web.catalog.import_forms import ConfirmImportForm, ImportForm
from taskforce.web.submit import attempt, submit

# A preview lists this many additions and changes; the counts cover them all.
PREVIEW_LIMIT = 200
ERROR_LIMIT = 500
def _verified():
    return can(current_user, "catalog.import_verified")


def _plan(kind, data, filename):
    if kind == "usage":
        return catalog_import.plan_usage_import(db.session, data, filename, today=clock.today())
    return catalog_import.plan_catalog_import(db.session, data, filename, today=clock.today(),
                                              verified=_verified())


def _preview(plan, token):
    form = ConfirmImportForm(formdata=None, kind=plan.kind, token=token, filename=plan.filename)
    return render_template("catalog/import_preview.html", plan=plan, form=form, token=token,
                           verified=_verified(), limit=PREVIEW_LIMIT, error_limit=ERROR_LIMIT)


@bp.route("/catalog/import", methods=["GET", "POST"])
@require("catalog.edit")
def import_catalog():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.stream.read(spreadsheets.MAX_FILE_BYTES + 1)
        planned = attempt(lambda: _plan(form.kind.data, data, upload.filename), form=form)
        if planned.ok:
            plan = planned.value
            token = uploads.keep(data, upload.filename) if plan.ok and plan.has_work else None
            return _preview(plan, token)
    return render_template("catalog/import.html", form=form,
                           templates=catalog_import.TEMPLATES.values())


@bp.route("/catalog/import/templates/<kind>.xlsx")
@require("catalog.edit")
def import_template(kind):
    if kind not in catalog_import.TEMPLATES:
        abort(404)
    data = catalog_import.template_xlsx(db.session, kind, today=clock.today())
    return Response(data, mimetype=exports.XLSX_MIMETYPE, headers={
        "Content-Disposition": exports.disposition(catalog_import.template_name(kind))})


@bp.route("/catalog/import/confirm", methods=["POST"])
@require("catalog.edit")
def import_confirm():
    form = ConfirmImportForm()
    data, expired = uploads.take_confirmed(form, "catalog.import_catalog")
    if expired:
        return expired
    imported = submit(lambda: catalog_import.import_file(
        db.session, form.kind.data, data, form.filename.data, actor=current_user,
        verified=_verified(), today=clock.today(), now=clock.now()), _imported)
    if not imported.ok:
        return redirect(url_for("catalog.import_catalog"))
    if not imported.value.ok:  # a plan with errors: import_file wrote nothing
        return _preview(imported.value, None)
    return redirect(url_for("catalog.index"))


def _imported(plan):
    if not plan.ok:
        return None
    return _("The file has been imported: %(added)s added, %(changed)s changed.",
             added=len(plan.additions), changed=len(plan.changes))
