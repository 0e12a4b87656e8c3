"""Log-in, log-out, change of password and of language."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from taskforce.extensions import db
from taskforce.permissions import public, signed_in
from taskforce.services import accounts
from taskforce.services.errors import DomainError
from taskforce.web.auth import bp
from taskforce.web.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from taskforce.web.helpers import is_safe_next
from taskforce.web.utils import apply_error


def _next_or_home(target):
    return redirect(target if is_safe_next(target) else url_for("dashboard.index"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        db.session.commit()
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password, or the account is locked."))
        else:
            login_user(user)
            if user.locale:
                session["lang"] = user.locale
            return _next_or_home(form.next.data)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(db.session, current_user, current=form.current.data,
                                     new=form.new.data)
        except DomainError as error:
            apply_error(form, error)
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session id changed
            flash(_("Your password has been changed. Other sessions have ended."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    lang = form.lang.data if form.validate_on_submit() else None
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            accounts.set_locale(current_user, lang)
            db.session.commit()
    return _next_or_home(form.next.data)
