"""Deadlines on a calendar: the month page's grid and the iCalendar feeds of open tasks.

A user's feed is found by their secret ``calendar_token``, a unit's by the unit's secret
``feed_token``: random values, each replaced on demand, which revokes the old address.
"""

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from taskforce import permissions
from taskforce.models import Priority, Task, TaskStatus, Unit, User
from taskforce.models.users import new_token
from taskforce.services import audit
from taskforce.services.errors import DomainError

PER_DAY = 4
# A calendar client fetches the whole feed on every refresh: keep it to the nearest deadlines.
FEED_LIMIT = 2000
PRODID = "-//Task force//Deadlines//EN"
PRIORITY_RANK = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}


@dataclass
class Day:
    """One day of the month grid: its tasks (at most PER_DAY) and how many there are."""

    on: date
    in_month: bool
    tasks: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self):
        return self.total - len(self.tasks)


def parse_month(text, today):
    """The first day of the month written as YYYY-MM in ``text``; today's month when empty."""
    text = (text or "").strip()
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except (ValueError, OverflowError):
        raise DomainError(_("“%(text)s” is not a month; write it as YYYY-MM.", text=text[:20]),
                          field="month") from None
    if not 2000 <= first.year <= 2099:
        raise DomainError(_("Give a month between 2000 and 2099."), field="month")
    return first


def shift(first, months):
    """The first day of the month ``months`` away from ``first``'s."""
    return first + relativedelta(months=months)


def weeks(first):
    """The weeks (Monday first) that show the month of ``first``, as lists of dates."""
    return stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)


def _priority_rank():
    return case(PRIORITY_RANK, value=Task.priority, else_=9)


def month_grid(session, user, first, unit_id=None):
    """The month of ``first`` as weeks of Days holding the deadlines ``user`` may see.

    One query: a window function keeps the first PER_DAY tasks of each day, most
    urgent first, and counts them all.
    """
    shown = weeks(first)
    start, end = shown[0][0], shown[-1][-1]
    conditions = [permissions.where(user, "tasks.view"), Task.due_on >= start, Task.due_on <= end,
                  Task.status != TaskStatus.CANCELLED]
    if unit_id:
        conditions.append(Task.unit_id == unit_id)
    ranked = (
        select(Task.id,
               func.row_number().over(partition_by=Task.due_on,
                                      order_by=(_priority_rank(), Task.id)).label("rn"),
               func.count().over(partition_by=Task.due_on).label("total"))
        .where(*conditions)
        .subquery()
    )
    rows = session.execute(
        select(Task, ranked.c.total).join(ranked, ranked.c.id == Task.id)
        .where(ranked.c.rn <= PER_DAY).options(selectinload(Task.unit))
        .order_by(Task.due_on, ranked.c.rn)
    )
    days = {day: Day(day, day.month == first.month) for week in shown for day in week}
    for task, total in rows:
        days[task.due_on].tasks.append(task)
        days[task.due_on].total = int(total)
    return [[days[day] for day in week] for week in shown]


def user_by_token(session, token):
    """The active user whose personal calendar token is ``token``, or None."""
    if not token or len(token) > 64:
        return None
    return session.scalar(select(User).where(User.calendar_token == token,
                                             User.active.is_(True)))


def unit_by_token(session, token):
    """The active unit whose feed token is ``token``, or None."""
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Unit).where(Unit.feed_token == token, Unit.active.is_(True)))


def _open_tasks(session, conditions):
    return session.scalars(
        select(Task).where(Task.is_open(), *conditions)
        .options(selectinload(Task.unit)).order_by(Task.due_on, Task.id).limit(FEED_LIMIT)
    ).all()


def user_feed_tasks(session, user):
    """The open tasks ``user`` may see, nearest deadline first."""
    return _open_tasks(session, [permissions.where(user, "tasks.view")])


def unit_feed_tasks(session, unit):
    """The open tasks of ``unit``, nearest deadline first."""
    return _open_tasks(session, [Task.unit_id == unit.id])


def _event(task, link, now):
    from icalendar import Event  # imported by the process that writes a feed

    event = Event()
    event.add("uid", f"task-{task.id}@taskforce")
    event.add("dtstamp", now)
    event.add("dtstart", task.due_on)
    event.add("dtend", task.due_on + timedelta(days=1))
    event.add("summary", _("Due: %(title)s", title=task.title_and_unit))
    url = link(task)
    lines = [_("Unit: %(unit)s", unit=task.unit.name)] if task.unit is not None else []
    if task.due_on != task.original_due_on:
        lines.append(_("Originally due on %(date)s", date=task.original_due_on.strftime(
            "%d/%m/%Y")))
    lines.append(url)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def feed(task_list, *, name, link, now):
    """An iCalendar file (bytes) of the tasks' due dates as all-day events.

    ``link(task)`` gives the task page's address; ``now`` stamps the events.
    """
    from icalendar import Calendar  # imported by the process that writes a feed

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for task in task_list:
        cal.add_component(_event(task, link, now))
    return cal.to_ical()


def reset_token(session, user, *, actor, now=None):
    """Give ``user`` a new personal calendar token; the old feed address stops working."""
    user.calendar_token = new_token()
    audit.record(session, actor, "user.calendar_reset", user, now=now,
                 summary=user.full_name)
    return user.calendar_token


def reset_unit_token(session, unit, *, actor, now=None):
    """Give ``unit`` a new feed token; the old feed address stops working."""
    unit.feed_token = new_token()
    audit.record(session, actor, "unit.feed_reset", unit, now=now, summary=unit.name,
                 unit_id=unit.id)
    return unit.feed_token
