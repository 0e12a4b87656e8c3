"""The calendar service: months, the month grid, feed tokens and the iCalendar feed."""

from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Priority, Role, TaskStatus
from taskforce.services import calendar
from taskforce.services.errors import DomainError
from tests import factories

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)


def link(task):
    return f"https://taskforce.test/tasks/{task.id}"


@pytest.fixture
def world(app):
    a = factories.unit("Sở A")
    b = factories.unit("Huyện B")
    tasks = {
        "a_dec": factories.task(a, due_on=date(2020, 12, 15), title="Nâng cấp 5 DVC"),
        "a_nov": factories.task(a, due_on=date(2020, 11, 30), title="Dự thảo kế hoạch",
                                original_due_on=date(2020, 11, 25)),
        "a_done": factories.task(a, due_on=date(2020, 12, 15), status=TaskStatus.DONE),
        "a_cancelled": factories.task(a, due_on=date(2020, 12, 15),
                                      status=TaskStatus.CANCELLED),
        "b_dec": factories.task(b, due_on=date(2020, 12, 1), title="Sơ kết Huyện B"),
        "b_returned": factories.task(b, due_on=date(2021, 1, 4), status=TaskStatus.RETURNED),
    }
    officer = factories.user(role=Role.UNIT_OFFICER, unit=a)
    leader = factories.user(role=Role.LEADER)
    db.session.commit()
    return {"a": a, "b": b, "tasks": tasks, "officer": officer, "leader": leader}


def events(data):
    cal = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


class TestMonths:
    def test_parse_month(self):
        assert calendar.parse_month("", TODAY) == date(2020, 11, 1)
        assert calendar.parse_month("2020-12", TODAY) == date(2020, 12, 1)
        assert calendar.parse_month(" 2021-1 ", TODAY) == date(2021, 1, 1)

    @pytest.mark.parametrize("text", ["2020-13", "abc", "2020", "2020-12-01", "1999-12",
                                      "9999999999-01"])
    def test_parse_month_refuses_nonsense(self, app, text):
        with pytest.raises(DomainError) as caught:
            calendar.parse_month(text, TODAY)
        assert caught.value.field == "month"

    def test_weeks_start_on_monday_and_cover_the_month(self):
        shown = calendar.weeks(date(2020, 12, 1))
        assert shown[0][0] == date(2020, 11, 30) and shown[-1][-1] == date(2021, 1, 3)
        assert all(len(week) == 7 for week in shown)
        assert calendar.shift(date(2020, 12, 1), 1) == date(2021, 1, 1)
        assert calendar.shift(date(2020, 1, 1), -1) == date(2019, 12, 1)


class TestMonthGrid:
    def days(self, grid):
        return {day.on: day for week in grid for day in week}

    def test_leader_sees_every_unit_and_no_cancelled_task(self, world):
        t = world["tasks"]
        days = self.days(calendar.month_grid(db.session, world["leader"], date(2020, 12, 1)))
        assert {x.id for x in days[date(2020, 12, 15)].tasks} == {t["a_dec"].id,
                                                                  t["a_done"].id}
        assert [x.id for x in days[date(2020, 12, 1)].tasks] == [t["b_dec"].id]
        # Days of the neighbouring months shown in the grid carry their tasks too.
        assert days[date(2020, 11, 30)].tasks == [t["a_nov"]]
        assert not days[date(2020, 11, 30)].in_month and days[date(2020, 12, 1)].in_month

    def test_unit_officer_sees_only_their_unit(self, world):
        days = self.days(calendar.month_grid(db.session, world["officer"], date(2020, 12, 1)))
        assert days[date(2020, 12, 1)].tasks == []
        assert len(days[date(2020, 12, 15)].tasks) == 2

    def test_unit_filter(self, world):
        days = self.days(calendar.month_grid(db.session, world["leader"], date(2020, 12, 1),
                                             unit_id=world["b"].id))
        assert days[date(2020, 12, 15)].tasks == []
        assert len(days[date(2020, 12, 1)].tasks) == 1

    def test_a_busy_day_shows_the_most_urgent_and_counts_the_rest(self, world):
        day = date(2020, 12, 21)
        urgent = factories.task(world["a"], due_on=day, priority=Priority.URGENT)
        for _ in range(calendar.PER_DAY + 2):
            factories.task(world["b"], due_on=day, priority=Priority.LOW)
        high = factories.task(world["b"], due_on=day, priority=Priority.HIGH)
        db.session.commit()
        cell = self.days(calendar.month_grid(db.session, world["leader"], date(2020, 12, 1)))[day]
        assert len(cell.tasks) == calendar.PER_DAY
        assert cell.tasks[:2] == [urgent, high]
        assert (cell.total, cell.more) == (calendar.PER_DAY + 4, 4)


class TestTokens:
    def test_unit_token_round_trip(self, world):
        a, b = world["a"], world["b"]
        assert calendar.unit_by_token(db.session, a.feed_token) == a
        assert a.feed_token != b.feed_token

    @pytest.mark.parametrize("bad", ["", "abc", "-", "12", "1-", "x-0000", "x" * 65])
    def test_malformed_unit_tokens(self, world, bad):
        assert calendar.unit_by_token(db.session, bad) is None

    def test_inactive_unit_has_no_feed(self, world):
        a = world["a"]
        a.active = False
        assert calendar.unit_by_token(db.session, a.feed_token) is None

    def test_reset_unit_token(self, world):
        a, officer = world["a"], world["officer"]
        old = a.feed_token
        new = calendar.reset_unit_token(db.session, a, actor=officer, now=NOW)
        db.session.commit()
        assert new != old and a.feed_token == new
        assert calendar.unit_by_token(db.session, old) is None
        assert calendar.unit_by_token(db.session, new) == a
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "unit.feed_reset"))
        assert (event.actor_id, event.object_id, event.unit_id) == (officer.id, a.id, a.id)

    def test_user_token(self, world):
        officer = world["officer"]
        assert calendar.user_by_token(db.session, officer.calendar_token) == officer
        assert calendar.user_by_token(db.session, "nope") is None
        assert calendar.user_by_token(db.session, "") is None
        officer.active = False
        assert calendar.user_by_token(db.session, officer.calendar_token) is None

    def test_reset_token(self, world):
        officer, old = world["officer"], world["officer"].calendar_token
        new = calendar.reset_token(db.session, officer, actor=officer, now=NOW)
        db.session.commit()
        assert new != old and officer.calendar_token == new
        assert calendar.user_by_token(db.session, old) is None
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "user.calendar_reset"))
        assert (event.actor_id, event.object_id) == (officer.id, officer.id)


class TestFeed:
    def test_feed_parses_back_with_the_due_dates_as_all_day_events(self, world):
        t = world["tasks"]
        found = calendar.user_feed_tasks(db.session, world["leader"])
        data = calendar.feed(found, name="Hạn của tôi", link=link, now=NOW)
        cal = Calendar.from_ical(data)
        assert str(cal["x-wr-calname"]) == "Hạn của tôi"
        got = events(data)
        open_ids = ("a_nov", "b_dec", "a_dec", "b_returned")
        assert set(got) == {f"task-{t[k].id}@taskforce" for k in open_ids}
        event = got[f"task-{t['a_dec'].id}@taskforce"]
        assert event["dtstart"].dt == date(2020, 12, 15)
        assert not isinstance(event["dtstart"].dt, datetime)
        assert event["dtend"].dt == date(2020, 12, 16)
        assert "Nâng cấp 5 DVC" in str(event["summary"])
        assert f"https://taskforce.test/tasks/{t['a_dec'].id}" in str(event["description"])
        assert "Sở A" in str(event["description"])
        assert event["dtstamp"].dt == NOW
        assert got[f"task-{t['b_returned'].id}@taskforce"]["dtstart"].dt == date(2021, 1, 4)

    def test_moved_deadline_names_the_original(self, app, world):
        t = world["tasks"]["a_nov"]
        data = calendar.feed([t], name="x", link=link, now=NOW)
        event = events(data)[f"task-{t.id}@taskforce"]
        assert event["dtstart"].dt == date(2020, 11, 30)
        assert "25/11/2020" in str(event["description"])

    def test_officer_feed_holds_only_their_unit(self, world):
        found = calendar.user_feed_tasks(db.session, world["officer"])
        assert {x.unit_id for x in found} == {world["a"].id}
        assert [x.due_on for x in found] == [date(2020, 11, 30), date(2020, 12, 15)]

    def test_unit_feed(self, world):
        found = calendar.unit_feed_tasks(db.session, world["b"])
        assert [x.title for x in found][0] == "Sơ kết Huyện B"
        assert len(found) == 2

    def test_empty_feed_is_still_a_calendar(self, app):
        cal = Calendar.from_ical(calendar.feed([], name="x", link=link, now=NOW))
        assert cal.walk("VEVENT") == []
