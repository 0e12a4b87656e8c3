"""Forms of the roster pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from taskforce.models import Position
from taskforce.services.roster import MemberDraft
from taskforce.web.forms import BaseForm, WholeNumberField, record_id


class MemberForm(BaseForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = SelectField(_l("Position"), choices=[])
    is_invited = BooleanField(_l("Invited member"))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    display_order = WholeNumberField(_l("Order in the decision"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=9999)])
    user_id = SelectField(_l("Account"), coerce=record_id, choices=[])
    unit_ids = SelectMultipleField(_l("Units followed"), coerce=record_id, choices=[])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def fill_choices(self, users, units):
        self.position.choices = Position.choices()
        self.user_id.choices = [(0, "—")] + [(u.id, f"{u.full_name} <{u.email}>") for u in users]
        self.unit_ids.choices = [(u.id, u.name) for u in units]

    def draft(self):
        return self.build(MemberDraft, user_id=self.user_id.data or None,
                          unit_ids=tuple(self.unit_ids.data or ()))
