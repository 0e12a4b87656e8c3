"""Forms of the administration pages."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from taskforce.models import Role, UnitKind
from taskforce.services.accounts import UserDraft
from taskforce.services.units import UnitDraft
from taskforce.web.forms import BaseForm, DayField, WholeNumberField, record_id


def _unit_choices(units, empty):
    return [(0, empty)] + [(u.id, u.name) for u in units]


class UserForm(BaseForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[])
    unit_id = SelectField(_l("Unit (for unit officers)"), coerce=record_id, choices=[])
    is_verifier = BooleanField(_l("May verify level claims and accept tasks"))
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, units):
        self.role.choices = Role.choices()
        self.unit_id.choices = _unit_choices(units, "—")

    def draft(self):
        return self.build(UserDraft, unit_id=self.unit_id.data or None,
                          password=self.password.data or "")


class UnitForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[])
    parent_id = SelectField(_l("Parent unit"), coerce=record_id, choices=[])
    focal_name = StringField(_l("Focal officer"), validators=[Optional(), Length(max=200)])
    focal_title = StringField(_l("Focal officer's title"),
                              validators=[Optional(), Length(max=200)])
    focal_email = StringField(_l("Focal officer's e-mail"),
                              validators=[Optional(), Length(max=254)])
    focal_phone = StringField(_l("Focal officer's phone"), validators=[Optional(), Length(max=40)])
    notify_emails = TextAreaField(_l("Other addresses for reminders (comma separated)"),
                                  validators=[Optional(), Length(max=2000)])
    display_order = WholeNumberField(_l("Display order"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=99999)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def fill_choices(self, units):
        self.kind.choices = UnitKind.choices()
        self.parent_id.choices = _unit_choices(units, "—")

    def draft(self):
        return self.build(UnitDraft, parent_id=self.parent_id.data or None)


OBJECT_LABELS = {
    "tasks": _l("Task"),
    "services": _l("Service"),
    "level_changes": _l("Level claim"),
    "units": _l("Unit"),
    "users": _l("Account"),
    "members": _l("Member"),
    "extension_requests": _l("Extension request"),
    "status_updates": _l("Status update"),
    "attachments": _l("File"),
    "settings": _l("Setting"),
    "reviews": _l("Review"),
    "plans": _l("Plan"),
}


class AuditFilterForm(BaseForm):
    """The audit log's filters, read from the query string."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), coerce=record_id, choices=[], default=0)
    action = StringField(_l("Action (or its start, e.g. task.)"),
                         validators=[Optional(), Length(max=60)])
    object_type = SelectField(_l("Object"), choices=[], default="")
    unit = SelectField(_l("Unit"), coerce=record_id, choices=[], default=0)
    date_from = DayField(_l("From"), validators=[Optional()])
    date_to = DayField(_l("To"), validators=[Optional()])

    def fill_choices(self, users, units, object_types):
        self.actor.choices = [(0, _l("Anyone"))] + [(u.id, u.full_name) for u in users]
        self.unit.choices = _unit_choices(units, _l("All units"))
        self.object_type.choices = [("", _l("Any"))] + [
            (name, OBJECT_LABELS.get(name, name)) for name in object_types]
