"""The token forms: a new token, a revocation confirmed."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from taskforce.services.tokens import MAX_DAYS, NAME_MAX
from taskforce.web.forms import BaseForm, WholeNumberField


class TokenForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)],
                       description=_l("What it is for, e.g. the one-stop system."))
    scope = SelectField(_l("Scope"), choices=[SelectChoice("read", _l("Read only")),
                                              SelectChoice("write", _l("Read and write"))],
                        default="read")
    expires_days = WholeNumberField(_l("Expires after (days)"), default=90,
                                    validators=[Optional(), NumberRange(1, MAX_DAYS)],
                                    description=_l("Leave empty for a token that lasts until "
                                                   "it is revoked."))
    submit = SubmitField(_l("Make the token"))

    def typed(self):
        return {"name": self.name.data, "scope": self.scope.data,
                "expires_days": self.expires_days.data}


class RevokeForm(BaseForm):
    token_id = HiddenField()
    submit = SubmitField(_l("Revoke"))
