"""Forms of the reorganisation page: the sheet's upload and the confirmation of its preview."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp

from taskforce.web import uploads
from taskforce.web.forms import BaseForm


class ReorganisationUploadForm(BaseForm):
    file = FileField(_l("Excel (.xlsx) or CSV file"), validators=[
        FileRequired(_l("Choose the file to import.")),
        FileAllowed(["xlsx", "csv"], _l("Choose an Excel (.xlsx) or CSV file.")),
    ])
    submit = SubmitField(_l("Check the file"))


class ConfirmReorganisationForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Regexp(uploads.TOKEN)])
    filename = HiddenField(validators=[Length(max=255)])
    submit = SubmitField(_l("Record the reorganisations"))
