"""The e-mail settings form: an address's language and how it receives the workflow's mail."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from taskforce.models import MailMode
from taskforce.web.forms import BaseForm


class PreferenceForm(BaseForm):
    address = HiddenField()
    locale = SelectField(_l("Language of the e-mails"), choices=[
        SelectChoice("", _l("The default language")), SelectChoice("vi", "Tiếng Việt"),
        SelectChoice("en", "English")], default="")
    mode = SelectField(_l("How the e-mails come"), choices=MailMode.choices(),
                      default=MailMode.DIGEST.value,
                      description=_l("An urgent task's e-mail always comes at once."))
    submit = SubmitField(_l("Save"))

    def fill(self, address, locale, mode):
        self.address.data, self.locale.data, self.mode.data = address, locale or "", mode
        return self

    def typed(self):
        return {"locale": self.locale.data or "", "mode": self.mode.data}
