"""Forms of the scorecard pages: the upload, the confirmation, the weakest group's task."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, FloatField, HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from taskforce.services.scorecard import GROUPS, Yardstick
from taskforce.web import uploads
from taskforce.web.forms import BaseForm


class UploadForm(BaseForm):
    period = StringField(_l("Period"), validators=[
        DataRequired(_l("Enter the period: 2025-10, 2025-Q3 or 2025.")), Length(max=10)],
        description=_l("A month (2025-10), a quarter (2025-Q3) or a year (2025)."))
    file = FileField(_l("The portal's table (.xlsx, .csv or .json)"), validators=[
        FileRequired(_l("Choose the file to import.")),
        FileAllowed(["xlsx", "csv", "json"], _l("Choose an .xlsx, .csv or .json file.")),
    ])
    create_units = BooleanField(_l("Create the units the table names that are not known yet"))
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Regexp(uploads.TOKEN)])
    filename = HiddenField(validators=[Length(max=255)])
    period = HiddenField(validators=[DataRequired(), Length(max=10)])
    create_units = HiddenField(validators=[Length(max=1)])
    submit = SubmitField(_l("Confirm the import"))


class TaskForm(BaseForm):
    submit = SubmitField(_l("Create the task"))


class YardstickForm(BaseForm):
    low = FloatField(_l("First threshold (points)"))
    high = FloatField(_l("Second threshold (points)"))
    ckmb = FloatField("CKMB")
    tdgq = FloatField("TDGQ")
    clgq = FloatField("CLGQ")
    tttt = FloatField("TTTT")
    mdsh = FloatField("MDSH")
    mdhl = FloatField("MDHL")
    submit = SubmitField(_l("Save"))

    def yardstick(self):
        """The typed values as the service takes them."""
        return Yardstick(low=self.low.data, high=self.high.data, maxima={
            group: getattr(self, group.lower()).data for group in GROUPS})
