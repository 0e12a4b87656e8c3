"""Forms of the task pages: a new task, editing, updates, claims, decisions, extensions."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from taskforce.models import Priority, TaskKind, TaskStatus
from taskforce.services.tasks import TaskDraft
from taskforce.web.catalog.forms import ClaimForm
from taskforce.web.forms import BaseForm, DayField, WholeNumberField, record_id

KIND_CHOICES = [SelectChoice(TaskKind.GENERAL.value, _l("General task")),
                SelectChoice(TaskKind.UPGRADE.value, _l("Upgrade services to level 4"))]
PRIORITY_CHOICES = [SelectChoice(value, words) for value, words in Priority.choices()]


# No maxlength on a title: a browser would cut a pasted title silently; the form refuses a
# title that is too long with a message instead.
TYPED_IN_FULL = {"maxlength": False}


def _date(label, required=False):
    return DayField(label, validators=[InputRequired()] if required else [Optional()])


def _choices(pairs):
    return [SelectChoice(value, text) for value, text in pairs]


def _with_none(pairs):
    return [SelectChoice(0, "—")] + _choices(pairs)


class _DocumentFields(BaseForm):
    doc_number = StringField(_l("Directive document: number"),
                             validators=[Optional(), Length(max=100)])
    doc_date = _date(_l("Directive document: date"))
    doc_title = StringField(_l("Directive document: title"),
                            validators=[Optional(), Length(max=500)])


class TaskForm(_DocumentFields):
    kind = SelectField(_l("Kind of task"), choices=KIND_CHOICES)
    title = StringField(_l("Task title"), validators=[DataRequired(), Length(max=300)],
                        render_kw=TYPED_IN_FULL)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    # Unknown or inactive units and members are refused by the service, by name.
    unit_id = SelectField(_l("Assigned to the unit"), coerce=record_id, choices=[],
                          validate_choice=False)
    assignee_id = SelectField(_l("Or assigned to the member (general tasks)"), coerce=record_id,
                              choices=[], validate_choice=False)
    follower_id = SelectField(_l("Member following it up"), coerce=record_id, choices=[],
                              validate_choice=False)
    due_on = _date(_l("Due date"), required=True)
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES, default="normal")
    # The service checks every chosen service against the unit, with a clearer message
    # than "not a valid choice".
    services = SelectMultipleField(_l("Services to bring to level 4"), coerce=record_id,
                                   choices=[], validate_choice=False,
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    load = SubmitField(_l("Show the unit's services"))
    submit = SubmitField(_l("Create the task"))

    def draft(self):
        """The typed task, for ``tasks.create_task``."""
        return TaskDraft(
            kind=self.kind.data, title=self.title.data, due_on=self.due_on.data,
            unit=self.unit_id.data or None, assignee=self.assignee_id.data or None,
            follower=self.follower_id.data or None, priority=self.priority.data,
            description=self.description.data, doc_number=self.doc_number.data,
            doc_date=self.doc_date.data, doc_title=self.doc_title.data,
            services=tuple(self.services.data or ()))

    def fill_choices(self, units, members, services):
        self.unit_id.choices = _with_none((u.id, u.name) for u in units)
        people = [(m.id, m.full_name) for m in members]
        self.assignee_id.choices = _with_none(people)
        self.follower_id.choices = _with_none(people)
        self.services.choices = _choices((s.id, f"{s.code} · {s.name}") for s in services)


class EditTaskForm(_DocumentFields):
    title = StringField(_l("Task title"), validators=[DataRequired(), Length(max=300)],
                        render_kw=TYPED_IN_FULL)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    priority = SelectField(_l("Priority"), choices=PRIORITY_CHOICES)
    follower_id = SelectField(_l("Member following it up"), coerce=record_id, choices=[])
    submit = SubmitField(_l("Save"))

    def fill_choices(self, members):
        self.follower_id.choices = _with_none((m.id, m.full_name) for m in members)


class UpdateForm(BaseForm):
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    progress = WholeNumberField(_l("Progress (%)"),
                            validators=[Optional(), NumberRange(min=0, max=100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    evidence = MultipleFileField(_l("Evidence files (PDF, image, Word, Excel or OpenDocument)"))
    submit = SubmitField(_l("Log the update"))

    def fill_choices(self, current, allowed):
        choices = _choices((s, TaskStatus.word(s)) for s in allowed)
        if current in ("new", "returned"):
            # Any update on a new or returned task means the work is (again) under way.
            self.status.choices = choices
        else:
            self.status.choices = [
                SelectChoice("", _l("Unchanged (%(status)s)", status=TaskStatus.word(current))),
                *choices]

    def typed(self):
        """The update as typed, as ``tasks.log_update`` takes it."""
        return {"note": self.note.data, "progress": self.data.get("progress"),
                "status": self.status.data, "uploads": self.evidence.data}


class TaskClaimForm(ClaimForm):
    service_id = SelectField(_l("Service"), coerce=record_id, choices=[],
                             validate_choice=False)

    class Meta:
        def bind_field(self, form, unbound_field, options):
            # The task page also holds the update form, with a note, files and a button of
            # the same names: the claim's fields take ids of their own (names unchanged).
            options = {**options, "id": f"claim-{options['name']}"}
            return super().bind_field(form, unbound_field, options)

    def fill_choices(self, services):
        self.service_id.choices = _choices((s.id, f"{s.code} · {s.name}") for s in services)

    def typed(self):
        return {"service_id": self.service_id.data, **super().typed()}


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Confirm"))


class AcceptForm(BaseForm):
    # An id of its own: the update form on the same page has a note too.
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=4000)],
                         id="accept-note")
    # Asked only when an upgrade task has services not verified at level 4.
    shortfall_reason = TextAreaField(_l("Why accept it with a shortfall?"),
                                     validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Accept as done"))


class ExtensionForm(BaseForm):
    requested_due_on = _date(_l("New due date asked for"), required=True)
    reason = TextAreaField(_l("Why is more time needed?"),
                           validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Ask for the extension"))


class DecideForm(BaseForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                   SelectChoice("refuse", _l("Refuse"))],
                          validators=[InputRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Decide"))
