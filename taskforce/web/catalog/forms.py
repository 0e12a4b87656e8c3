"""Forms of the catalog pages: a level claim, returning a claim, plain confirmations."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from taskforce.services.catalog import PREREQUISITES
from taskforce.web.forms import BaseForm, DayField
from taskforce.web.helpers import class_choices


class ClaimForm(BaseForm):
    to_level = SelectField(_l("New level"), coerce=int, choices=[])
    effective_on = DayField(_l("In effect since"), validators=[InputRequired()])
    online_processing = BooleanField(_l("Dossiers are submitted and processed online"))
    online_payment = BooleanField(
        _l("Fees are paid online (required when the procedure charges a fee)"))
    online_result = BooleanField(_l("The result is returned online or by post"))
    evaluation = BooleanField(
        _l("Connected to the Ministry's system that evaluates online services"))
    note = TextAreaField(_l("Evidence: what shows the new level (links, documents)"),
                         validators=[Optional(), Length(max=4000)])
    evidence = FileField(_l("Evidence file (PDF, image, Word, Excel or OpenDocument)"))
    submit = SubmitField(_l("Send the claim for verification"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Today's words (levels 1-4, or the classes since the switch date); the values are the
        # stored levels either way.
        self.to_level.choices = [SelectChoice(n, text) for n, text in class_choices()]

    def prerequisites(self):
        """The checklist boxes as ticked, keyed as the catalog service expects."""
        return {name: bool(getattr(self, name).data) for name in PREREQUISITES}

    def typed(self):
        """The claim as typed, as the claim services take it."""
        return {"to_level": self.to_level.data, "effective_on": self.effective_on.data,
                "note": self.note.data, "upload": self.evidence.data,
                "prerequisites": self.prerequisites()}


class ReturnForm(BaseForm):
    reason = TextAreaField(_l("Why is the claim returned?"),
                           validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Return the claim"))


class ConfirmForm(BaseForm):
    """A form with nothing but its CSRF token, for one-button actions."""

    submit = SubmitField(_l("Verify"))
