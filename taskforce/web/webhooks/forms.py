"""The webhook forms: a subscription, a removal confirmed."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from taskforce.services.webhook_events import EVENTS, LABELS
from taskforce.services.webhooks import NAME_MAX, SECRET_MAX, URL_MAX, WebhookDraft
from taskforce.web.forms import BaseForm


class WebhookForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)],
                       description=_l("Who receives it, e.g. the province's Zalo gateway."))
    url = StringField(_l("Address (URL)"), validators=[DataRequired(), Length(max=URL_MAX)],
                      description=_l("An http:// or https:// address that accepts a POST."))
    secret = PasswordField(_l("Secret"), validators=[Length(max=SECRET_MAX)],
                           description=_l("At least 16 characters, shared with the receiver, "
                                          "which checks each delivery's signature with it. "
                                          "Leave empty on a change to keep the current one."))
    events = SelectMultipleField(_l("Events"), choices=[SelectChoice(e, LABELS[e]) for e in EVENTS],
                                 validators=[DataRequired()])
    active = BooleanField(_l("Active"), default=True,
                          description=_l("Saving a paused webhook as active resumes it."))
    submit = SubmitField(_l("Save"))

    def draft(self):
        return WebhookDraft(name=self.name.data or "", url=self.url.data or "",
                            secret=self.secret.data or "", events=tuple(self.events.data or ()),
                            active=bool(self.active.data))


class ConfirmForm(BaseForm):
    submit = SubmitField(_l("Remove"))
