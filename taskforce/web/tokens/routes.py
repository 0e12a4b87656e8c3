"""/account/tokens: the user's API tokens, a new one shown once, revocation confirmed."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.permissions import signed_in
from taskforce.services import clock
from taskforce.services import tokens as token_service
from taskforce.web.submit import submit
from taskforce.web.tokens import bp
from taskforce.web.tokens.forms import RevokeForm, TokenForm
from taskforce.web.utils import int_arg


@bp.route("/account/tokens", methods=["GET", "POST"])
@signed_in
def index():
    user = current_user._get_current_object()
    form = TokenForm()
    outcome = submit(lambda: token_service.create_token(
        db.session, user, actor=user, now=clock.now(), **form.typed()), form=form)
    made = outcome.value if outcome.ok else None
    return render_template("tokens/index.html", form=form, made=made,
                           tokens=token_service.tokens_of(db.session, user), now=clock.now())


@bp.route("/account/tokens/revoke", methods=["GET", "POST"])
@signed_in
def revoke():
    user = current_user._get_current_object()
    form = RevokeForm()
    token_id = int_arg("id") if request.method == "GET" else \
        token_service.parse_id(form.token_id.data)
    token = token_service.own_token(db.session, user, token_id)
    if token is None:
        return redirect(url_for("tokens.index"))
    form.token_id.data = str(token.id)
    if submit(lambda: token_service.revoke_token(db.session, token, actor=user,
                                                 now=clock.now()),
              _("The token has been revoked."), form=form).ok:
        return redirect(url_for("tokens.index"))
    return render_template("tokens/revoke.html", form=form, token=token)
