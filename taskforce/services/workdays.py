"""Working days: weekends and Vietnamese public holidays (Tết included) skipped.

Public holidays come from the maintained ``holidays`` library, which also knows the
official make-up working days (a Saturday worked to bridge a holiday). The government
moves days every year, so the settings add extra days off and extra make-up working days
on top of the library; a date listed as a make-up working day always counts as worked.
"""

from bisect import bisect_left, bisect_right
from datetime import timedelta

from taskforce.services import settings

_CHUNK = timedelta(days=366)
# The holiday names the library has, by the application's languages.
LANGUAGES = {"vi": "vi", "en": "en_US"}


class WorkCalendar:
    """Answers working-day questions; build one per pass with ``calendar(session)``."""

    def __init__(self, extra_days_off=(), makeup_workdays=(), language=None):
        import holidays  # imported when needed: it adds a noticeable delay to every command

        self.extra_days_off = frozenset(extra_days_off)
        self.makeup_workdays = frozenset(makeup_workdays)
        language = LANGUAGES.get(language)
        self._public = holidays.country_holidays("VN", language=language)
        self._days = []  # the working days of [_lo, _hi], sorted
        self._lo = self._hi = None

    def holiday_name(self, day):
        """The public holiday's name on ``day``, or None."""
        return self._public.get(day)

    def is_workday(self, day):
        if day in self.makeup_workdays:
            return True
        if day in self.extra_days_off:
            return False
        return self._public.is_working_day(day)

    def count(self, start, end):
        """How many working days fall after ``start`` up to and including ``end``."""
        if end <= start:
            return 0
        self._cover(start, end)
        return bisect_right(self._days, end) - bisect_right(self._days, start)

    def add(self, day, n):
        """The n-th working day after ``day`` (n > 0) or before it (n < 0); ``day`` if 0."""
        if n == 0:
            return day
        span = timedelta(days=abs(n) * 2 + 30)
        while True:
            self._cover(day - span, day + span)
            # The list is contiguous over the covered span, so any index found is right.
            if n > 0:
                index = bisect_right(self._days, day) + n - 1
                if index < len(self._days):
                    return self._days[index]
            else:
                index = bisect_left(self._days, day) + n
                if index >= 0:
                    return self._days[index]
            span *= 2

    def on_or_before(self, day):
        """``day`` when it is a working day, else the last working day before it."""
        return day if self.is_workday(day) else self.add(day, -1)

    def exceptions(self, start, end):
        """``[(day, is_workday, name)]``: weekdays off and weekend days worked in the range."""
        found = []
        day = start
        while day <= end:
            worked = self.is_workday(day)
            if worked != (day.weekday() < 5):
                name = self.holiday_name(day) if not worked else None
                found.append((day, worked, name))
            day += timedelta(days=1)
        return found

    def _cover(self, start, end):
        if self._lo is None:
            self._lo, self._hi = start, start - timedelta(days=1)
        if start < self._lo:
            self._days = self._workdays(start, self._lo - timedelta(days=1)) + self._days
            self._lo = start
        if end > self._hi:
            stop = max(end, self._hi + _CHUNK)
            self._days += self._workdays(self._hi + timedelta(days=1), stop)
            self._hi = stop

    def _workdays(self, start, end):
        days = []
        day = start
        while day <= end:
            if self.is_workday(day):
                days.append(day)
            day += timedelta(days=1)
        return days


def calendar(session, language=None):
    """The working-day calendar with the days off and make-up days of the settings."""
    return WorkCalendar(settings.day_list(session, settings.EXTRA_DAYS_OFF),
                        settings.day_list(session, settings.MAKEUP_WORKDAYS), language)
