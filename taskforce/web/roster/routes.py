"""The roster of the task force, printable, and its editing by the leadership."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import Member, User
from taskforce.permissions import get_or_404, require
from taskforce.services import roster, units
from taskforce.services.errors import DomainError
from taskforce.web.roster import bp
from taskforce.web.roster.forms import MemberForm
from taskforce.web.utils import apply_error


@bp.route("/roster")
@require("roster.view")
def index():
    return render_template("roster/index.html", members=roster.list_members(db.session))


def _member_form(member):
    form = MemberForm(obj=member)
    users = db.session.scalars(select(User).where(User.active.is_(True))
                               .order_by(User.full_name)).all()
    form.fill_choices(users, units.list_units(db.session))
    if member is not None and not form.is_submitted():
        form.unit_ids.data = [u.id for u in member.units]
        form.user_id.data = member.user_id or 0
    return form


def _save(member):
    form = _member_form(member)
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}
        data["user_id"] = data["user_id"] or None
        try:
            roster.save_member(db.session, member, actor=current_user, **data)
        except DomainError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The roster has been saved."), "success")
            return redirect(url_for("roster.index"))
    return render_template("roster/edit.html", form=form, member=member)


@bp.route("/roster/new", methods=["GET", "POST"])
@require("roster.manage")
def create():
    return _save(None)


@bp.route("/roster/<int:member_id>/edit", methods=["GET", "POST"])
@require("roster.manage")
def edit(member_id):
    return _save(get_or_404(Member, member_id))
