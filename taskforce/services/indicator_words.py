"""An indicator's status and pace in words, for what is read outside a web page (a review's
workbook, Word report and e-mail): the same words as the dashboard's badges."""

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from taskforce.models import IndicatorStatus


def status_word(status):
    """The status as a word in the current language ("on track")."""
    return IndicatorStatus.word(status)


def pace_text(pace, pace_services=None):
    """The pace still needed: "+3 services a month", "+4.2 points a month", or ""."""
    if pace_services:
        return ngettext("+%(num)s service a month", "+%(num)s services a month", pace_services)
    if pace:
        return _("+%(points)s points a month", points=format_decimal(pace * 100, "#,##0.0"))
    return ""
