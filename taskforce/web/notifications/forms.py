"""Forms of the notifications page."""

from wtforms import HiddenField
from wtforms.validators import NumberRange, Optional

from taskforce.services.bounds import MAX_INT
from taskforce.web.forms import BaseForm, WholeNumberField


class ReadForm(BaseForm):
    """Mark one notification (``id``) or all of them (no ``id``) as read."""

    id = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=MAX_INT)])
    next = HiddenField()
