"""/account/mail (one's own address) and /units/<id>/mail (a unit's addresses)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Unit
from taskforce.permissions import get_or_404, require, signed_in
from taskforce.services import clock
from taskforce.services.mail import workflow
from taskforce.web.mail import bp
from taskforce.web.mail.forms import PreferenceForm
from taskforce.web.submit import submit


@bp.route("/account/mail", methods=["GET", "POST"])
@signed_in
def mine():
    user = current_user._get_current_object()
    form = PreferenceForm()
    if submit(lambda: workflow.save_preference(db.session, user.email, actor=user,
                                               now=clock.now(), **form.typed()),
              _("Your e-mail settings are saved."), form=form).ok:
        return redirect(url_for("mail.mine"))
    if not form.is_submitted():
        form.fill(user.email, *workflow.preference(db.session, user.email))
    return render_template("mail/mine.html", form=form, address=user.email)


@bp.route("/units/<int:unit_id>/mail", methods=["GET", "POST"])
@require("units.mail")
def unit(unit_id):
    unit = get_or_404(Unit, unit_id, current_user, "units.mail")
    rows = workflow.preferences_of(db.session, unit.notify_list)
    # One form per address, each with its own field names and ids; the one posted is saved.
    forms = [PreferenceForm(prefix=f"a{n}") for n in range(len(rows))]
    posted = next((form for form in forms if form.submit.data), None)
    if posted is None and request.method == "POST":
        flash(_("Nothing was saved: save one address at a time with the button beside it."),
              "error")
    if posted is not None and submit(lambda: workflow.save_preference(
            db.session, posted.address.data, actor=current_user._get_current_object(),
            now=clock.now(), unit=unit, **posted.typed()),
            _("The settings of %(address)s are saved.", address=posted.address.data),
            form=posted).ok:
        return redirect(url_for("mail.unit", unit_id=unit.id))
    for form, (address, locale, mode) in zip(forms, rows, strict=True):
        if form is posted:
            form.address.data = address  # the row's own address, whatever was posted
        else:
            form.fill(address, locale, mode)
    return render_template("mail/unit.html", unit=unit, rows=zip(forms, rows, strict=True))
