"""The base form: Flask-WTF with WTForms' own messages translated by our catalogs.

WTForms ships no Vietnamese catalog, so its messages are listed here for
extraction and looked up in the application's own translations.
"""

import re
from dataclasses import fields
from datetime import date

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, IntegerField
from wtforms.widgets import TextInput

from taskforce.services.bounds import FIRST_DATE, LAST_DATE, parse_int


def N_(message):
    """Mark a message for extraction without translating it here."""
    return message


WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("'%(value)s' is not a valid choice for this field."),
    N_("'%(value)s' are not valid choices for this field."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Field must be at least %(min)d character long."),
    N_("Field must be at least %(min)d characters long."),
    N_("Field cannot be longer than %(max)d character."),
    N_("Field cannot be longer than %(max)d characters."),
    N_("Field must be exactly %(max)d character long."),
    N_("Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Invalid email address."),
    N_("Invalid input."),
    N_("Field must be equal to %(other_name)s."),
    N_("The CSRF token is missing."),
    N_("The CSRF token is invalid."),
    N_("The CSRF token has expired."),
    N_("The CSRF session token is missing."),
    N_("The CSRF tokens do not match."),
    N_("The referrer header is missing."),
    N_("The referrer does not match the host."),
    N_("File does not have an approved extension: {extensions}"),
    N_("File must be less than {max_size} bytes."),
    N_("File must be between {min_size} and {max_size} bytes."),
    N_("Invalid field name '%s'."),
)


def record_id(value):
    """Coerce a chosen id to int, refusing what no row can have (ValueError, as ``int`` does).

    Only ASCII digits within the database's range: ``int`` would also read "١٢" or "+1_2".
    """
    number = parse_int(str(value))
    if number is None:
        raise ValueError(value)
    return number


class WholeNumberField(IntegerField):
    """A whole number typed in ASCII digits, a minus sign allowed, within a column's range."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        number = parse_int(text.removeprefix("-"))
        if number is None:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        self.data = -number if text.startswith("-") else number


# Day, month, year in that order, whatever the browser's language; "/", "." or "-" between.
_DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")


class DayInput(TextInput):
    """A text box for dd/mm/yyyy; static/datepicker.js adds a calendar button that writes it.

    Never ``type="date"``: the browser's picker shows the order of the browser's language.
    The box comes in the input group the button joins, so the script never moves it: a box
    moved while someone types into it (the page still loading) would lose what was typed.
    """

    def __call__(self, field, **kwargs):
        kwargs.setdefault("placeholder", _l("dd/mm/yyyy"))
        kwargs.setdefault("inputmode", "numeric")
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("maxlength", 10)
        kwargs.setdefault("data-datepicker", "")
        kwargs.setdefault("data-datepicker-label", _l("Choose the date on a calendar"))
        kwargs.setdefault("data-datepicker-prev", _l("Previous month"))
        kwargs.setdefault("data-datepicker-next", _l("Next month"))
        box = super().__call__(field, **kwargs)
        classes = str(kwargs.get("class") or kwargs.get("class_") or "").split()
        invalid = " is-invalid" if "is-invalid" in classes else ""
        return Markup('<div class="input-group has-validation{}" data-datepicker-group>{}</div>'
                      ).format(invalid, box)


class DayField(Field):
    """A date typed as dd/mm/yyyy, the one date field of every form.

    The refusal says what is wrong: a day that does not exist, the month typed first, a year
    outside the years the product plans for, or text that is not dd/mm/yyyy at all.
    """

    widget = DayInput()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = " ".join(valuelist).strip()
        self.data = None
        if not text:
            return
        self.data = parse_day(text, self.gettext)


def parse_day(text, gettext):
    """The date ``text`` writes as dd/mm/yyyy, else ValueError with the reason in words."""
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match is None:
        raise ValueError(gettext("Write the date as dd/mm/yyyy."))
    day, month, year = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(gettext("There is no month %(month)s: enter the day first, as "
                                 "dd/mm/yyyy.") % {"month": month})
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(gettext("%(date)s does not exist.") % {"date": text}) from None
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(gettext("Give a date between %(first)s and %(last)s.") % {
            "first": FIRST_DATE.strftime("%d/%m/%Y"), "last": LAST_DATE.strftime("%d/%m/%Y")})
    return value


class _Translations:
    # WTForms fills in the placeholders itself, so look up without formatting.
    def gettext(self, string):
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


# Control characters no keyboard types (NUL above all, which PostgreSQL refuses in text);
# tabs and line breaks stay.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value):
    """Drop control characters from text a form received; other values pass unchanged."""
    return _CONTROLS.sub("", value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the application derives from this one."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

        def bind_field(self, form, unbound_field, options):
            # Every field of every form is filtered, whatever filters it declares itself.
            filters = [strip_controls, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

    def build(self, draft_class, **overrides):
        """The service's input dataclass from the fields of the same names; ``overrides`` win."""
        values = {f.name: self[f.name].data for f in fields(draft_class) if f.name in self}
        return draft_class(**{**values, **overrides})
