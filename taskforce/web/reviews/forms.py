"""Forms of the review pages: building a review, one-button actions."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from taskforce.web.forms import BaseForm, DayField

KINDS = [SelectChoice("custom", _l("Custom period")),
         SelectChoice("weekly", _l("Weekly (Monday to Sunday)")),
         SelectChoice("monthly", _l("Monthly (a whole month)"))]


class BuildForm(BaseForm):
    kind = SelectField(_l("Kind of review"), choices=KINDS, default="custom")
    start = DayField(_l("First day of the period"), validators=[InputRequired()])
    end = DayField(_l("Last day of the period"), validators=[InputRequired()])
    number = StringField(_l("Report number (optional)"), validators=[Optional(), Length(max=60)])
    send = BooleanField(_l("E-mail it to the leadership and the members"))
    submit = SubmitField(_l("Build the review"))


class SendForm(BaseForm):
    """Only the CSRF token: the button that e-mails a review."""

    submit = SubmitField(_l("E-mail to the leadership and members"))


class LetterForm(BaseForm):
    """Only the CSRF token: the button that writes the reminder letter of a review."""

    submit = SubmitField(_l("Reminder letter to the lagging units"))
