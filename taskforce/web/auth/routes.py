"""Log-in (with throttling and two-factor codes), log-out, password, language."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from taskforce.extensions import db, limiter
from taskforce.permissions import public, signed_in
from taskforce.services import accounts, twofactor
from taskforce.web.auth import bp
from taskforce.web.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    DisableTwoFactorForm,
    LanguageForm,
    LoginForm,
)
from taskforce.web.helpers import is_safe_next
from taskforce.web.submit import submit

PENDING = "pending_2fa"
SETUP = "totp_setup"
# Pages a user who must still set up two-factor log-in may open.
SETUP_ENDPOINTS = {"auth.two_factor", "auth.logout", "auth.set_language", "static",
                   "bootstrap.static"}


def _failed(response):
    """Count an attempt against the limits only when it failed (the form came back)."""
    return response.status_code == 200


def _submitted_email():
    return "login:" + (request.form.get("email") or "").strip().lower()


def _pending_account():
    return f"code:{(session.get(PENDING) or {}).get('id')}"


def _per_address():
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def _per_account():
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _next_or_home(target):
    return redirect(target if is_safe_next(target) else url_for("dashboard.index"))


def _finish_login(user, target):
    login_user(user)
    if user.locale:
        session["lang"] = user.locale
    return _next_or_home(target)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_per_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_per_account, methods=["POST"], deduct_when=_failed, key_func=_submitted_email)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        db.session.commit()
        if user is None:
            form.password.errors.append(_("Wrong e-mail or password, or the account is locked."))
        elif user.totp_secret:
            session[PENDING] = {"id": user.id, "token": user.session_token,
                                "next": form.next.data}
            return redirect(url_for("auth.login_code"))
        else:
            return _finish_login(user, form.next.data)
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(_per_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(_per_account, methods=["POST"], deduct_when=_failed, key_func=_pending_account)
def login_code():
    pending = session.get(PENDING) or {}
    user = accounts.pending_login(db.session, pending.get("id"), pending.get("token"))
    if user is None:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        is_right = twofactor.verify(db.session, user, form.code.data)
        db.session.commit()  # a wrong code is counted against the account
        if is_right:
            session.pop(PENDING, None)
            return _finish_login(user, pending.get("next"))
        form.code.errors.append(_("The code is not correct, or the account is locked for a "
                                  "while."))
    return render_template("auth/login_code.html", form=form)


def too_many_attempts(error):
    """Show the log-in form again with a clear message when a limit is reached."""
    if request.endpoint in ("auth.login", "auth.login_code"):
        form = LoginForm(next=request.args.get("next", ""))
        form.form_errors.append(_("Too many failed attempts. Wait a few minutes, then try "
                                  "again."))
        return render_template("auth/login.html", form=form), 429
    return render_template("errors/429.html"), 429


@bp.before_app_request
def require_two_factor_setup():
    """Send users whose role must use two-factor log-in to set it up first."""
    if (current_user.is_authenticated and not current_user.totp_secret
            and twofactor.is_required(current_user)
            and request.endpoint not in SETUP_ENDPOINTS):
        flash(_("Your role must use two-factor log-in. Set it up to continue."), "warning")
        return redirect(url_for("auth.two_factor"))
    return None


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    accounts.log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have logged out, here and on every other device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if submit(lambda: accounts.change_password(db.session, current_user, current=form.current.data,
                                               new=form.new.data),
              _("Your password has been changed. Other sessions have ended."), form=form).ok:
        login_user(current_user._get_current_object())  # the session id changed
        return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@signed_in
def two_factor():
    user = current_user._get_current_object()
    if user.totp_secret:
        return _two_factor_on(user)
    secret = session.get(SETUP) or twofactor.new_secret()
    session[SETUP] = secret
    form = CodeForm()
    enabled = submit(lambda: twofactor.enable(db.session, user, secret=secret,
                                              code=form.code.data), form=form)
    if enabled.ok:
        login_user(user)  # the account's sessions ended, this one goes on
        session.pop(SETUP, None)
        return render_template("auth/recovery_codes.html", codes=enabled.value)
    uri = twofactor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret,
                           qr=twofactor.qr_svg(uri))


def _two_factor_on(user):
    form = DisableTwoFactorForm()
    if submit(lambda: twofactor.turn_off(db.session, user, password=form.password.data),
              _("Two-factor log-in is off."), category="info", form=form).ok:
        login_user(user)
        return redirect(url_for("auth.two_factor"))
    return render_template("auth/two_factor_on.html", form=form,
                           required=twofactor.is_required(user))


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
