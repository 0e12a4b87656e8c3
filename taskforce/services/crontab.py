"""Standard five-field crontabs read as APScheduler triggers, Sunday being 0 or 7 as in cron."""

import re

from apscheduler.triggers.cron import CronTrigger

from taskforce.models.types import utcnow

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _weekday_numbers(part):
    """Standard crontab weekday numbers (0-6, Sunday 0) named by one list item of the field."""
    base, _slash, step = part.partition("/")
    if step and not step.isdigit():
        raise ValueError(f"bad step {step!r} in the weekday field")
    if base == "*":
        low, high = 0, 6
    else:
        low_text, _dash, high_text = base.partition("-")
        low = _weekday_number(low_text)
        high = _weekday_number(high_text) if high_text else (6 if step else low)
        if high == 0 and low > 0:
            high = 7
        if high < low:
            raise ValueError(f"the weekday range {base!r} runs backwards")
    return {day % 7 for day in range(low, high + 1, int(step or 1))}


def _weekday_number(text):
    text = text.strip().lower()
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    if text.isdigit() and int(text) <= 7:
        return int(text)
    raise ValueError(f"{text!r} is not a weekday (0-7 or sun-sat)")


def _weekday_field(field):
    """The weekday field in APScheduler's terms (names), read the crontab way (0 = Sunday).

    APScheduler 3 counts 0 as Monday, unlike cron; naming the days avoids the mix-up.
    """
    if field in ("*", "?"):
        return "*"
    days = set()
    for part in field.split(","):
        days |= _weekday_numbers(part)
    return ",".join(WEEKDAYS[day] for day in sorted(days))


def parse_crontab(expression, timezone):
    """A CronTrigger from a standard 5-field crontab (0 or 7 = Sunday); ValueError if bad."""
    fields = str(expression or "").split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}")
    if any(re.search(r"[^0-9a-zA-Z*,/\-?]", value) for value in fields):
        raise ValueError("only digits, names and * , / - are allowed")
    minute, hour, day, month, weekday = fields
    trigger = CronTrigger(minute=minute, hour=hour, day=day, month=month,
                          day_of_week=_weekday_field(weekday), timezone=timezone)
    if trigger.get_next_fire_time(None, utcnow()) is None:
        raise ValueError("it never fires")
    return trigger
