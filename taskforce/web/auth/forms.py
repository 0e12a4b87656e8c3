"""Forms of the log-in and account pages."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from taskforce.web.forms import BaseForm


class LoginForm(BaseForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class LanguageForm(BaseForm):
    lang = HiddenField()
    next = HiddenField()


class CodeForm(BaseForm):
    code = StringField(_l("Code from the authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Confirm"))


class DisableTwoFactorForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Turn off two-factor log-in"))
