"""Crontabs read the standard way (Sunday 0 or 7), at local time, and bad ones refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from taskforce.services.crontab import parse_crontab

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args):
    return datetime(*args, tzinfo=HANOI)


def next_fire(expression, after):
    return parse_crontab(expression, HANOI).get_next_fire_time(None, after)


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("30 7 * * mon", local(2020, 10, 14, 10), local(2020, 10, 19, 7, 30)),
    ("30 7 * * 1", local(2020, 10, 14, 10), local(2020, 10, 19, 7, 30)),  # cron's Monday
    ("0 8 * * 0", local(2020, 10, 14, 10), local(2020, 10, 18, 8)),  # cron's Sunday
    ("0 8 * * 7", local(2020, 10, 14, 10), local(2020, 10, 18, 8)),
    ("0 8 * * 1-5", local(2020, 10, 16, 9), local(2020, 10, 19, 8)),
    ("0 8 * * 5-7", local(2020, 10, 14, 10), local(2020, 10, 16, 8)),
    ("0 8 * * */3", local(2020, 10, 14, 10), local(2020, 10, 17, 8)),  # sun, wed, sat
    ("30 7 1 * *", local(2020, 10, 14, 10), local(2020, 11, 1, 7, 30)),
    ("*/15 * * * *", local(2020, 10, 14, 10, 1), local(2020, 10, 14, 10, 15)),
])
def test_a_crontab_is_read_the_standard_way_at_local_time(expression, after, expected):
    assert next_fire(expression, after) == expected


@pytest.mark.parametrize("expression", [
    "", "30 7 * *", "30 7 * * * *", "61 7 * * mon", "30 25 * * *", "30 7 32 * *",
    "30 7 * * funday", "30 7 * * 8", "30 7 * * 5-2", "0 0 31 2 *", "30 7 * * mon;rm",
])
def test_a_crontab_that_does_not_parse_is_refused(expression):
    with pytest.raises(ValueError):  # noqa: PT011 - any reason will do: all are refused
        parse_crontab(expression, HANOI)
