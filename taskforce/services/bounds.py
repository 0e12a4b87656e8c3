"""What typed input may be: whole numbers in ASCII digits within the database's range, dates
within the years the product plans for. Anything else is refused before it reaches a query.
"""

import re
from datetime import date

from flask_babel import gettext as _

from taskforce.services.errors import DomainError

# The largest value of an integer column (PostgreSQL's ``integer``, which holds every id).
MAX_INT = 2**31 - 1
# ``str.isdigit`` and ``int`` accept "²", "①" or "٣"; a number typed here is ASCII only.
_DIGITS = re.compile(r"[0-9]{1,10}")
# The years a date typed into a filter may fall in: the task force's plans, with room.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


def parse_int(text, low=0, high=MAX_INT):
    """The whole number ``text`` writes in ASCII digits within ``low``..``high``, else None."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def check_date(value, field=None):
    """``value`` when it falls in the years the product knows, else a DomainError on ``field``."""
    if not FIRST_DATE <= value <= LAST_DATE:
        raise DomainError(_("Give a date between %(first)s and %(last)s.",
                            first=FIRST_DATE.strftime("%d/%m/%Y"),
                            last=LAST_DATE.strftime("%d/%m/%Y")), field=field)
    return value
