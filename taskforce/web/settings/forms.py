"""The settings form: field rules only; the service checks the values against each other."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from taskforce.web.forms import BaseForm, DayField, WholeNumberField


def _percent(label):
    return DecimalField(label, places=2, validators=[InputRequired(),
                                                     NumberRange(min=0.01, max=100)])


def _working_days(label):
    return WholeNumberField(label, validators=[InputRequired(), NumberRange(min=0, max=60)])


class SettingsForm(BaseForm):
    target_share = _percent(_l("Target share of services at level 4 (%)"))
    target_on = DayField(_l("Date by which the target must be reached"),
                         validators=[Optional()])
    national_share = _percent(_l("National share for comparison (%)"))
    class_switch_on = DayField(
        _l("Classes named “full online” / “partial online” from"), validators=[Optional()])
    reminder_days_before = StringField(
        _l("Remind this many working days before the due date (comma separated)"),
        validators=[Optional(), Length(max=100)])
    reminder_on_due_day = BooleanField(_l("Remind on the due day"))
    reminder_workdays_only = BooleanField(
        _l("Plan and send reminders and digests on working days only"))
    imports_need_second_check = BooleanField(
        _l("Levels read from an imported catalog await a second person's verification"))
    reminder_overdue_every = _working_days(
        _l("While overdue, remind every … working days (0: never)"))
    reminder_escalate_after = _working_days(
        _l("Escalate to the leader and deputies after … working days overdue (0: never)"))
    extra_days_off = TextAreaField(
        _l("Extra days off (one date per line, dd/mm/yyyy)"),
        validators=[Optional(), Length(max=10000)])
    makeup_workdays = TextAreaField(
        _l("Make-up working days (one date per line, dd/mm/yyyy)"),
        validators=[Optional(), Length(max=10000)])
    review_weekly_cron = StringField(_l("Weekly review schedule (crontab)"),
                                     validators=[InputRequired(), Length(max=100)])
    review_monthly_cron = StringField(_l("Monthly review schedule (crontab)"),
                                      validators=[InputRequired(), Length(max=100)])
    report_province = StringField(_l("Province (place name in the report's date line)"),
                                  validators=[InputRequired(), Length(max=100)])
    report_parent_body = StringField(_l("Parent body (empty: UBND TỈNH and the province)"),
                                     validators=[Optional(), Length(max=200)])
    report_issuer = StringField(_l("Issuing body"), validators=[InputRequired(),
                                                                Length(max=200)])
    report_symbol = StringField(_l("Symbol after the report's number (e.g. BC-TCT)"),
                                validators=[InputRequired(), Length(max=30)])
    report_recipients = TextAreaField(_l("Recipients of the report (one per line)"),
                                      validators=[Optional(), Length(max=7000)])
    submit = SubmitField(_l("Save"))

    def fill(self, values):
        """Show the values in force (shares as percentages, dates as dd/mm/yyyy lines)."""
        for name in ("target_share", "national_share"):
            getattr(self, name).data = round(values[name] * 100, 2)
        for name in ("extra_days_off", "makeup_workdays"):
            getattr(self, name).data = "\n".join(d.strftime("%d/%m/%Y") for d in values[name])
        self.report_recipients.data = "\n".join(values["report_recipients"])
        for name in ("target_on", "class_switch_on", "imports_need_second_check",
                     "reminder_days_before",
                     "reminder_on_due_day", "reminder_workdays_only", "reminder_overdue_every",
                     "reminder_escalate_after",
                     "review_weekly_cron", "review_monthly_cron", "report_province",
                     "report_parent_body", "report_issuer", "report_symbol"):
            getattr(self, name).data = values[name]

    def values(self):
        """The submitted values as the settings service takes them."""
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("submit", "csrf_token")}
        for name in ("target_share", "national_share"):
            data[name] = float(data[name]) / 100
        return data
