"""Forms of the plans pages: a plan with a fixed number of indicator rows (blank ones ignored),
each with two dated targets typed in percent."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms import FloatField as _FloatField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from taskforce.services import measures
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from taskforce.web.forms import BaseForm, DayField, WholeNumberField, strip_controls

INDICATOR_ROWS = 6
_NESTED = re.compile(r"indicators-(\d+)-(\w+)")


class PercentField(_FloatField):
    """A percentage typed with a comma or a point ("30,5" or "30.5")."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


class IndicatorForm(Form):
    """One indicator row: blank rows are left out."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [strip_controls, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Indicator"), validators=[Optional(), Length(max=300)])
    measure = SelectField(_l("Measure"), choices=[], default="")
    min_level = SelectField(_l("Class at least"), coerce=int, default=4,
                            choices=[(4, "4"), (3, "3"), (2, "2"), (1, "1")])
    verified_only = BooleanField(_l("Verified only"), default=True)
    months = WholeNumberField(_l("Window (months)"), default=12,
                              validators=[Optional(), NumberRange(min=1, max=36)])
    target = PercentField(_l("Target (%)"), validators=[Optional()])
    target_on = DayField(_l("by"), validators=[Optional()])
    target2 = PercentField(_l("Then (%)"), validators=[Optional()])
    target2_on = DayField(_l("by"), validators=[Optional()])
    target3 = PercentField(_l("Then (%)"), validators=[Optional()])
    target3_on = DayField(_l("by"), validators=[Optional()])

    def slots(self):
        """The (value, date) fields of the row's dated targets."""
        return ((self.target, self.target_on), (self.target2, self.target2_on),
                (self.target3, self.target3_on))

    def is_blank(self):
        return not (self.code.data or self.name.data or self.measure.data or any(
            value.data is not None or day.data for value, day in self.slots()))

    def draft(self):
        measure = self.measure.data or ""
        taken = measures.MEASURES[measure].params if measure in measures.MEASURES else {}
        values = {"min_level": self.min_level.data, "verified_only": bool(self.verified_only.data),
                  "months": self.months.data if self.months.data is not None else 12}
        milestones = tuple(
            MilestoneDraft(None if value.data is None else value.data / 100, day.data)
            for value, day in self.slots())
        return IndicatorDraft(code=self.code.data or "", name=self.name.data or "",
                              measure=measure, milestones=milestones,
                              params={key: values[key] for key in taken})


class PlanForm(BaseForm):
    class Meta(BaseForm.Meta):
        def bind_field(self, form, unbound_field, options):
            # A list of rows takes no filters: each row's fields have their own.
            if unbound_field.field_class in (FieldList, FormField):
                return unbound_field.bind(form=form, **options)
            return super().bind_field(form, unbound_field, options)

    code = StringField(_l("Code"), validators=[InputRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=300)])
    basis_number = StringField(_l("Legal basis: document number"),
                               validators=[Optional(), Length(max=100)])
    basis_date = DayField(_l("Legal basis: date"), validators=[Optional()])
    starts_on = DayField(_l("Starts on"), validators=[InputRequired()])
    ends_on = DayField(_l("Ends on"), validators=[InputRequired()])
    indicators = FieldList(FormField(IndicatorForm), min_entries=INDICATOR_ROWS,
                           max_entries=INDICATOR_ROWS)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows = []  # the row of each indicator of the draft
        choices = [("", "—")] + [(name, str(m.label)) for name, m in measures.MEASURES.items()]
        for row in self.indicators:
            row.form.measure.choices = choices

    def fill(self, plan):
        """The form of an existing plan: its indicators in the first rows."""
        for key in ("code", "name", "basis_number", "basis_date", "starts_on", "ends_on"):
            self[key].data = getattr(plan, key)
        for row, indicator in zip(self.indicators, plan.indicators, strict=False):
            milestones = list(indicator.milestones)
            sub = row.form
            sub.code.data, sub.name.data = indicator.code, indicator.name
            sub.measure.data = indicator.measure
            params = indicator.params or {}
            sub.min_level.data = params.get("min_level", 4)
            sub.verified_only.data = params.get("verified_only", True)
            sub.months.data = params.get("months", 12)
            for (value, day), milestone in zip(sub.slots(), milestones, strict=False):
                value.data = round(milestone.target_value * 100, 2)
                day.data = milestone.target_on

    def draft(self):
        rows = [(index, row.form) for index, row in enumerate(self.indicators)
                if not row.form.is_blank()]
        self._rows = [index for index, _form in rows]
        return self.build(PlanDraft, indicators=tuple(form.draft() for _index, form in rows))

    def __getattr__(self, name):
        # A service names an indicator's field "indicators-<i>-<field>", <i> its place in the
        # draft: show the message under that field of its row.
        found = _NESTED.fullmatch(name)
        rows = self.__dict__.get("_rows")
        if found is None or rows is None:
            raise AttributeError(name)
        index, field = int(found.group(1)), found.group(2)
        if index >= len(rows):
            raise AttributeError(name)
        sub = self.__dict__["_fields"]["indicators"][rows[index]].form
        return getattr(sub, field, None) or sub.measure


class ConfirmForm(BaseForm):
    """A confirmation: making a plan the default, deleting it."""

    submit = SubmitField(_l("Confirm"))
