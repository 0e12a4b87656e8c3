"""Forms of the import pages: the upload, and the confirmation of a previewed file."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Regexp

from taskforce.web import uploads
from taskforce.web.forms import BaseForm

KINDS = ("catalog", "usage")

class ImportForm(BaseForm):
    kind = SelectField(_l("The file holds"), default="catalog", choices=[
        SelectChoice("catalog", _l("The service catalog (services and their levels)")),
        SelectChoice("usage", _l("Monthly usage figures (dossiers received)")),
    ])
    file = FileField(_l("Excel (.xlsx) or CSV file"), validators=[
        FileRequired(_l("Choose the file to import.")),
        FileAllowed(["xlsx", "csv"], _l("Choose an Excel (.xlsx) or CSV file.")),
    ])
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(BaseForm):
    kind = HiddenField(validators=[AnyOf(KINDS)])
    token = HiddenField(validators=[DataRequired(), Regexp(uploads.TOKEN)])
    filename = HiddenField(validators=[Length(max=255)])
    submit = SubmitField(_l("Confirm the import"))
