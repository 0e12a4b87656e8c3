"""Administration: user accounts and units."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Unit, User
from taskforce.permissions import get_or_404, require
from taskforce.services import accounts, audit_log, audit_words, clock, units
from taskforce.web.admin import bp
from taskforce.web.admin.forms import OBJECT_LABELS, AuditFilterForm, UnitForm, UserForm
from taskforce.web.submit import attempt, submit
from taskforce.web.utils import paginate


@bp.route("/admin/users")
@require("users.manage")
def users():
    return render_template("admin/users.html", page=paginate(db, accounts.users_query()))


def _user_form(user):
    form = UserForm(obj=user)
    form.fill_choices(units.list_units(db.session, include_inactive=True))
    if user is not None and not form.is_submitted():
        form.unit_id.data = user.unit_id or 0
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("users.manage")
def user_create():
    form = _user_form(None)
    if submit(lambda: accounts.create_user(db.session, form.draft(), actor=current_user),
              _("The account has been created."), form=form).ok:
        return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require("users.manage")
def user_edit(user_id):
    user = get_or_404(User, user_id)
    form = _user_form(user)
    if submit(lambda: accounts.update_user(db.session, user, form.draft(), actor=current_user),
              _("The account has been saved."), form=form).ok:
        return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/admin/units")
@require("units.manage")
def unit_list():
    rows = units.list_units(db.session, include_inactive=True)
    return render_template("admin/units.html", units=rows)


@bp.route("/admin/units/new", methods=["GET", "POST"], endpoint="unit_create")
@bp.route("/admin/units/<int:unit_id>", methods=["GET", "POST"])
@require("units.manage")
def unit_edit(unit_id=None):
    unit = get_or_404(Unit, unit_id) if unit_id is not None else None
    form = UnitForm(obj=unit)
    form.fill_choices([u for u in units.list_units(db.session, include_inactive=True)
                       if unit is None or u.id != unit.id])
    if unit is not None and not form.is_submitted():
        form.parent_id.data = unit.parent_id or 0
    if submit(lambda: units.save_unit(db.session, unit, form.draft(), actor=current_user),
              _("The unit has been saved."), form=form).ok:
        return redirect(url_for("admin.unit_list"))
    return render_template("admin/unit_edit.html", form=form, unit=unit)


def _audit_filters(form):
    if not request.args or not form.validate():
        return audit_log.Filters()
    return audit_log.Filters(
        actor_id=form.actor.data or None, action=form.action.data or "",
        object_type=form.object_type.data or "", unit_id=form.unit.data or None,
        date_from=form.date_from.data, date_to=form.date_to.data)


def _audit_query(form):
    """The events the filters ask for; when they cannot be used, every event and why not."""
    searched = attempt(lambda: audit_log.search(_audit_filters(form), clock.zone()), form=form)
    return searched.value if searched.ok else audit_log.search(audit_log.Filters(), clock.zone())


@bp.route("/admin/audit")
@require("audit.view")
def audit():
    form = AuditFilterForm(formdata=request.args)
    form.fill_choices(accounts.list_users(db.session, include_inactive=True),
                      units.list_units(db.session, include_inactive=True),
                      audit_log.object_types())
    page = paginate(db, _audit_query(form))
    return render_template("admin/audit.html", form=form, page=page,
                           unit_names=audit_log.unit_names(db.session, page.items),
                           describe_changes=audit_words.describe_changes,
                           sentence=audit_words.sentence,
                           object_labels=OBJECT_LABELS)
