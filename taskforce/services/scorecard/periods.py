"""The periods of the 766 scorecard: a month (2025-10), a quarter (2025-Q3) or a year (2025)."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from taskforce.services.errors import DomainError

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_PATTERNS = ((re.compile(r"^(\d{4})-(\d{1,2})$"), MONTH),
             (re.compile(r"^(\d{4})-[Qq]([1-4])$"), QUARTER),
             (re.compile(r"^(\d{4})$"), YEAR))


@dataclass(frozen=True, order=True)
class Period:
    """A scoring period: its kind and its first day."""

    kind: str
    start: date

    @property
    def label(self):
        """The period as it is typed: 2025-10, 2025-Q3 or 2025."""
        if self.kind == MONTH:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    @property
    def words(self):
        """The period in the request's language: Tháng 10/2025, Quý 3/2025, Năm 2025."""
        if self.kind == MONTH:
            return _("Month %(month)s/%(year)s", month=self.start.month, year=self.start.year)
        if self.kind == QUARTER:
            return _("Quarter %(quarter)s/%(year)s", quarter=(self.start.month - 1) // 3 + 1,
                     year=self.start.year)
        return _("Year %(year)s", year=self.start.year)


def parse_period(text, *, field="period"):
    """The Period ``text`` names, or DomainError on ``field``."""
    value = (text or "").strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        year = int(match.group(1))
        number = int(match.group(2)) if kind != YEAR else 1
        if kind == QUARTER:
            number = (number - 1) * 3 + 1
        if 2000 <= year <= 2099 and 1 <= number <= 12:
            return Period(kind, date(year, number, 1))
    raise DomainError(_("Write the period as a month (2025-10), a quarter (2025-Q3) or a year "
                        "(2025)."), field=field)


def of_table(table):
    """The Period of a stored score table."""
    return Period(table.period_kind, table.period_start)
