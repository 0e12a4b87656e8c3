"""The roster of the task force, printable, and its editing by the leadership."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Member
from taskforce.permissions import get_or_404, require
from taskforce.services import accounts, roster, units
from taskforce.web.roster import bp
from taskforce.web.roster.forms import MemberForm
from taskforce.web.submit import submit


@bp.route("/roster")
@require("roster.view")
def index():
    return render_template("roster/index.html", members=roster.list_members(db.session))


def _member_form(member):
    form = MemberForm(obj=member)
    form.fill_choices(accounts.list_users(db.session), units.list_units(db.session))
    if member is not None and not form.is_submitted():
        form.unit_ids.data = [u.id for u in member.units]
        form.user_id.data = member.user_id or 0
    return form


@bp.route("/roster/new", methods=["GET", "POST"], endpoint="create")
@bp.route("/roster/<int:member_id>/edit", methods=["GET", "POST"])
@require("roster.manage")
def edit(member_id=None):
    member = get_or_404(Member, member_id) if member_id is not None else None
    form = _member_form(member)
    if submit(lambda: roster.save_member(db.session, member, form.draft(), actor=current_user),
              _("The roster has been saved."), form=form).ok:
        return redirect(url_for("roster.index"))
    return render_template("roster/edit.html", form=form, member=member)
