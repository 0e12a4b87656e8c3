"""Working days: weekends, Vietnamese public holidays (Tết 2021), configured days."""

from datetime import date

import pytest

from taskforce.extensions import db
from taskforce.services import settings, workdays
from taskforce.services.workdays import WorkCalendar

D = date
PLAIN = WorkCalendar()
# 20/02/2021 (a Saturday) declared a make-up working day; 09/02/2021 an extra day off.
CONFIGURED = WorkCalendar(extra_days_off=[D(2021, 2, 9)], makeup_workdays=[D(2021, 2, 20)])


@pytest.mark.parametrize(("day", "plain", "configured"), [
    (D(2021, 2, 5), True, True),     # Friday
    (D(2021, 2, 6), False, False),   # Saturday
    (D(2021, 2, 7), False, False),   # Sunday
    (D(2021, 2, 8), True, True),     # Monday
    (D(2021, 2, 9), True, False),    # Tuesday; an extra day off when configured
    (D(2021, 2, 10), False, False),  # 29 Tết
    (D(2021, 2, 11), False, False),  # New Year's Eve
    (D(2021, 2, 12), False, False),  # Tết, first day
    (D(2021, 2, 15), False, False),  # Monday, fourth day of Tết
    (D(2021, 2, 16), False, False),  # Tuesday, fifth day of Tết
    (D(2021, 2, 17), True, True),    # back to work
    (D(2021, 2, 20), False, True),   # Saturday; a make-up working day when configured
    (D(2021, 4, 21), False, False),  # Hùng Kings' day
    (D(2021, 9, 2), False, False),   # National Day
    (D(2021, 9, 3), False, False),   # the day after National Day
    (D(2024, 5, 4), True, True),     # a Saturday worked to bridge 30/4 (from the library)
    (D(2024, 4, 29), False, False),  # the Monday off it bought
])
def test_is_workday(day, plain, configured):
    assert PLAIN.is_workday(day) is plain
    assert CONFIGURED.is_workday(day) is configured


@pytest.mark.parametrize(("calendar", "start", "n", "expected"), [
    (PLAIN, D(2021, 2, 5), 1, D(2021, 2, 8)),      # Friday + 1 → Monday
    (PLAIN, D(2021, 2, 8), -1, D(2021, 2, 5)),     # Monday - 1 → Friday
    (PLAIN, D(2021, 2, 9), 1, D(2021, 2, 17)),     # across Tết
    (PLAIN, D(2021, 2, 17), -1, D(2021, 2, 9)),
    (PLAIN, D(2021, 2, 12), 1, D(2021, 2, 17)),    # from inside Tết
    (PLAIN, D(2021, 2, 12), -1, D(2021, 2, 9)),
    (PLAIN, D(2021, 2, 19), -7, D(2021, 2, 3)),
    (PLAIN, D(2021, 2, 19), 5, D(2021, 2, 26)),
    (PLAIN, D(2021, 2, 19), 0, D(2021, 2, 19)),
    (PLAIN, D(2020, 12, 31), 1, D(2021, 1, 4)),    # New Year's Day, then the weekend
    (CONFIGURED, D(2021, 2, 8), 1, D(2021, 2, 17)),   # the extra day off skipped
    (CONFIGURED, D(2021, 2, 19), 1, D(2021, 2, 20)),  # the make-up Saturday counted
    (CONFIGURED, D(2021, 2, 22), -1, D(2021, 2, 20)),
    (PLAIN, D(2021, 1, 4), 249, D(2021, 12, 31)),     # far ahead, over several spans
    (PLAIN, D(2021, 12, 31), -249, D(2021, 1, 4)),
])
def test_add_working_days(calendar, start, n, expected):
    assert calendar.add(start, n) == expected


@pytest.mark.parametrize(("calendar", "start", "end", "expected"), [
    (PLAIN, D(2021, 2, 8), D(2021, 2, 19), 4),    # 9, 17, 18, 19: Tết in between
    (PLAIN, D(2021, 2, 1), D(2021, 2, 8), 5),
    (PLAIN, D(2021, 2, 19), D(2021, 2, 19), 0),
    (PLAIN, D(2021, 2, 19), D(2021, 2, 1), 0),
    (CONFIGURED, D(2021, 2, 8), D(2021, 2, 22), 5),  # 17, 18, 19, 20 (make-up), 22
    (PLAIN, D(2021, 1, 4), D(2021, 12, 31), 249),
])
def test_count_working_days(calendar, start, end, expected):
    assert calendar.count(start, end) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (D(2021, 2, 14), D(2021, 2, 9)),
    (D(2021, 2, 8), D(2021, 2, 8)),
    (D(2021, 2, 7), D(2021, 2, 5)),
])
def test_on_or_before(day, expected):
    assert PLAIN.on_or_before(day) == expected


def test_exceptions_list_weekdays_off_and_weekends_worked():
    found = CONFIGURED.exceptions(D(2021, 2, 1), D(2021, 2, 28))
    days = [(day, worked) for day, worked, _name in found]
    assert days == [(D(2021, 2, 9), False), (D(2021, 2, 10), False), (D(2021, 2, 11), False),
                    (D(2021, 2, 12), False), (D(2021, 2, 15), False), (D(2021, 2, 16), False),
                    (D(2021, 2, 20), True)]
    names = WorkCalendar(language="vi").exceptions(D(2021, 2, 12), D(2021, 2, 12))
    assert names == [(D(2021, 2, 12), False, "Tết Nguyên Đán")]


def test_calendar_reads_the_settings(app):
    settings.put(db.session, settings.EXTRA_DAYS_OFF, ["2021-02-09"])
    settings.put(db.session, settings.MAKEUP_WORKDAYS, ["2021-02-20"])
    db.session.flush()
    calendar = workdays.calendar(db.session)
    assert not calendar.is_workday(D(2021, 2, 9))
    assert calendar.is_workday(D(2021, 2, 20))
    assert calendar.add(D(2021, 2, 19), 1) == D(2021, 2, 20)
