"""Import of the catalog and of usage figures from Excel or CSV, with a preview."""

import os
import re
import secrets
import time

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import can, require
from taskforce.services import catalog_import, clock, exports, spreadsheets
from taskforce.web.catalog import bp
from taskforce.web.catalog.import_forms import STORED_NAME, ConfirmImportForm, ImportForm
from taskforce.web.submit import attempt, submit

# A preview lists this many additions and changes; the counts cover them all.
PREVIEW_LIMIT = 200
ERROR_LIMIT = 500
# An upload waits this long for its confirmation before it is thrown away.
KEEP_SECONDS = 24 * 3600


def _folder():
    return os.path.join(current_app.config["INSTANCE_DIR"], "imports")


def _forget_old(folder):
    cutoff = time.time() - KEEP_SECONDS
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if re.match(STORED_NAME, name) and os.path.getmtime(path) < cutoff:
            try:
                os.remove(path)
            except FileNotFoundError:
                continue


def _store(data, filename):
    """Keep an uploaded file until it is confirmed; return the token that names it."""
    folder = _folder()
    os.makedirs(folder, exist_ok=True)
    _forget_old(folder)
    token = "{}.{}".format(secrets.token_hex(16), filename.rsplit(".", 1)[-1].lower())
    with open(os.path.join(folder, token), "xb") as out:
        out.write(data)
    return token


def _take(token):
    """The stored file's bytes, removed from disk so that it is imported once; or None."""
    if not re.match(STORED_NAME, token or ""):
        return None
    path = os.path.join(_folder(), token)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        os.remove(path)
    except FileNotFoundError:
        return None
    return data


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
            token = _store(data, upload.filename) if plan.ok and plan.has_work else None
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
    data = _take(form.token.data) if form.validate_on_submit() else None
    if data is None:
        flash(_("This file is no longer waiting for confirmation: it was imported already, or "
                "its preview is more than a day old. Upload it again."), "warning")
        return redirect(url_for("catalog.import_catalog"))
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
