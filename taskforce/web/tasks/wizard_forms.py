"""Forms of the assignment wizard: the shared fields of step 1, the per-unit choices of step 2."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from taskforce.models import Priority
from taskforce.services.assignment import Choice, Common
from taskforce.services.errors import DomainError
from taskforce.web.forms import BaseForm, DayField, record_id


class WizardForm(BaseForm):
    """Step 1, carried in hidden fields through step 2 and checked again at the end."""

    target_on = DayField(_l("Target date (the share to reach by then)"),
                          validators=[Optional()])
    # InputRequired, not DataRequired: a typed non-date must say what is wrong with it.
    due_on = DayField(_l("Due date of the tasks"), validators=[InputRequired()])
    units = SelectMultipleField(_l("Units"), coerce=record_id, choices=[],
                                validate_choice=False)
    # No maxlength: a browser would cut a pasted title silently (see tasks/forms.py).
    title = StringField(_l("Title of each task (the unit's name is added)"),
                        validators=[DataRequired(), Length(max=250)],
                        render_kw={"maxlength": False})
    priority = SelectField(_l("Priority"), choices=[], default=Priority.NORMAL)
    doc_number = StringField(_l("Directive document: number"),
                             validators=[Optional(), Length(max=100)])
    doc_date = DayField(_l("Directive document: date"), validators=[Optional()])
    doc_title = StringField(_l("Directive document: title"),
                            validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])

    def fill_choices(self, units):
        self.unit_list = units
        self.units.choices = [(u.id, u.name) for u in units]
        self.priority.choices = Priority.choices()

    def validate_units(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one unit."))

    def common(self):
        """The fields every task of the assignment shares."""
        return Common(title=self.title.data, due_on=self.due_on.data,
                      priority=self.priority.data, description=self.description.data or "",
                      doc_number=self.doc_number.data, doc_date=self.doc_date.data,
                      doc_title=self.doc_title.data)

    def hidden_values(self):
        """(name, value) pairs that carry step 1 through step 2 as hidden inputs."""
        pairs = []
        for name in ("target_on", "due_on", "title", "priority", "doc_number", "doc_date",
                     "doc_title", "description"):
            value = getattr(self, name).data
            if value:
                # A date as the form reads it back: dd/mm/yyyy.
                pairs.append((name, value.strftime("%d/%m/%Y") if isinstance(value, date)
                              else value))
        pairs.extend(("units", unit_id) for unit_id in self.units.data or ())
        return pairs


def _int_or_none(text):
    text = (text or "").strip()
    return record_id(text) if text else None


def read_ticks(formdata, unit_ids):
    """{unit_id: [service ids ticked]} as posted on step 2."""
    ticks = {}
    for unit_id in unit_ids:
        try:
            ticks[unit_id] = [_int_or_none(v) for v in formdata.getlist(f"services-{unit_id}")]
        except ValueError:
            raise DomainError(_("Unknown service."), field="services") from None
        ticks[unit_id] = [v for v in ticks[unit_id] if v is not None]
    return ticks


def read_choices(formdata, unit_ids):
    """The leader's choice for each unit (services ticked, follower) as posted on step 2."""
    ticks = read_ticks(formdata, unit_ids)
    choices = []
    for unit_id in unit_ids:
        try:
            follower_id = _int_or_none(formdata.get(f"follower-{unit_id}"))
        except ValueError:
            raise DomainError(_("Unknown member of the task force."), field="follower") from None
        choices.append(Choice(unit_id=unit_id, service_ids=ticks[unit_id],
                              follower_id=follower_id))
    return choices

