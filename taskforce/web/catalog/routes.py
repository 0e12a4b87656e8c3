"""Catalog list, service page, level claims and verification, export, evidence files."""

from io import BytesIO

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Attachment, ClaimStatus, LevelChange, Service
from taskforce.permissions import get_or_404, require
from taskforce.services import catalog, clock, files, online_classes, settings, tasks, units
from taskforce.services.exports import XLSX_MIMETYPE
from taskforce.web.catalog import bp
from taskforce.web.catalog.forms import ClaimForm, ConfirmForm, ReturnForm
from taskforce.web.helpers import is_safe_next
from taskforce.web.submit import attempt, submit
from taskforce.web.utils import int_arg, paginate, upload_settings


def _filters():
    args = request.args
    sort = args.get("sort", "")
    level = int_arg("level")
    return catalog.Filters(
        q=args.get("q", "")[:200], unit_id=int_arg("unit"), level=level,
        levels=online_classes.levels_in_class(level, clock.today(),
                                              settings.class_switch_on(db.session)),
        field=args.get("field", "")[:200], tier=args.get("tier", ""),
        verified=args.get("verified", ""), missing=args.get("missing", ""),
        sort=sort if sort in catalog.SORTS else "name")


@bp.route("/catalog")
@require("catalog.view")
def index():
    filters = _filters()
    page = paginate(db, catalog.search(filters))
    pending = catalog.pending_claims_by_service(db.session, [s.id for s in page.items])
    return render_template("catalog/index.html", page=page, pending=pending, filters=filters,
                           units=units.unit_options(db.session), fields=catalog.fields(db.session))


@bp.route("/catalog/export.xlsx")
@require("catalog.view")
def export():
    data = catalog.export_workbook(db.session, _filters(), today=clock.today())
    name = f"danh-muc-dich-vu-{clock.today():%Y-%m-%d}.xlsx"
    return send_file(BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=name, max_age=0)


@bp.route("/catalog/<int:service_id>")
@require("catalog.view")
def detail(service_id):
    service = get_or_404(Service, service_id, current_user, "catalog.view")
    changes = catalog.history(db.session, service)
    pending = next((c for c in changes if c.status == ClaimStatus.PENDING), None)
    usage = catalog.monthly_usage(db.session, service, today=clock.today())
    evidence_ids = files.claims_with_visible_evidence(db.session, current_user, changes)
    return render_template("catalog/detail.html", service=service, changes=changes,
                           pending=pending, usage=usage, evidence_ids=evidence_ids,
                           form=ConfirmForm())


def _new_claim_form(service):
    form = ClaimForm()
    if not form.is_submitted():
        levels = [choice.value for choice in form.to_level.choices]
        form.to_level.data = next((n for n in levels if n > service.level), 4)
        form.effective_on.data = clock.today()
    return form


@bp.route("/catalog/<int:service_id>/claim", methods=["GET", "POST"])
@require("services.claim")
def claim(service_id):
    service = get_or_404(Service, service_id, current_user, "services.claim")
    form = _new_claim_form(service)
    if submit(lambda: catalog.claim_with_upload(
            db.session, service, actor=current_user, today=clock.today(), **form.typed(),
            **upload_settings()),
            _("The claim has been sent for verification."), form=form).ok:
        return redirect(url_for("catalog.detail", service_id=service.id))
    return render_template("catalog/claim.html", form=form, service=service)


@bp.route("/catalog/claims")
@require("claims.verify")
def claims():
    page = paginate(db, catalog.pending_claims(int_arg("unit")))
    return render_template("catalog/claims.html", page=page, form=ConfirmForm(),
                           units=units.list_units(db.session), unit_id=int_arg("unit"))


def _back():
    target = request.form.get("next") or request.args.get("next")
    return target if is_safe_next(target) else url_for("catalog.claims")


@bp.route("/catalog/claims/<int:change_id>/verify", methods=["POST"])
@require("claims.verify")
def verify(change_id):
    change = get_or_404(LevelChange, change_id, current_user, "claims.verify")
    if ConfirmForm().validate_on_submit():
        submit(lambda: tasks.verify_claim(db.session, change, actor=current_user, now=clock.now()),
               _("The claim has been verified."))
    return redirect(_back())


@bp.route("/catalog/claims/<int:change_id>/return", methods=["GET", "POST"])
@require("claims.verify")
def return_claim(change_id):
    change = get_or_404(LevelChange, change_id, current_user, "claims.verify")
    form = ReturnForm()
    if submit(lambda: catalog.return_claim(db.session, change, actor=current_user,
                                           reason=form.reason.data, now=clock.now()),
              _("The claim has been returned to the claimant."), form=form).ok:
        return redirect(_back())
    return render_template("catalog/return.html", form=form, change=change)


@bp.route("/files/<int:attachment_id>")
@require("evidence.view")
def evidence(attachment_id):
    attachment = get_or_404(Attachment, attachment_id, current_user, "evidence.view")
    opened = attempt(lambda: files.open_attachment(attachment, current_app.config["UPLOAD_DIR"]))
    if not opened.ok:
        abort(404)
    response = send_file(opened.value, mimetype=attachment.content_type, as_attachment=True,
                         download_name=files.display_name(attachment.original_name), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
