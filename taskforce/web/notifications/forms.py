"""Forms of the notifications page."""

from wtforms import HiddenField, IntegerField
from wtforms.validators import NumberRange, Optional

from taskforce.web.forms import BaseForm


class ReadForm(BaseForm):
    """Mark one notification (``id``) or all of them (no ``id``) as read."""

    id = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    next = HiddenField()
