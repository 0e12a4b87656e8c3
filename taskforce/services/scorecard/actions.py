"""From the scorecard to the work: a unit's weakest group made a task for that unit."""

from datetime import timedelta

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from taskforce.models import ScoreRow, TaskKind
from taskforce.services import tasks
from taskforce.services.errors import DomainError
from taskforce.services.scorecard.limits import group_label
from taskforce.services.scorecard.pages import board
from taskforce.services.scorecard.periods import of_table

# The time a unit gets to raise a group: about a month, before the next table.
DUE_DAYS = 30


def weakest_line(session, table, unit):
    """The board line of ``unit`` in ``table``, or DomainError when it has none."""
    present = session.scalar(select(ScoreRow.id).where(ScoreRow.table_id == table.id,
                                                       ScoreRow.unit_id == unit.id))
    line = next((line for line in board(session, table).lines if line.row.unit_id == unit.id),
                None) if present else None
    if line is None:
        raise DomainError(_("%(unit)s has no score in this period.", unit=unit.name))
    return line


def task_draft(session, table, unit, *, today):
    """The task that would raise ``unit``'s weakest group of ``table``."""
    line = weakest_line(session, table, unit)
    group, period = line.weakest, of_table(table)
    gap, score, total = (format_decimal(value, "#,##0.##") for value in (
        line.gaps[group], line.row.groups[group], line.row.total))
    top = format_decimal(line.gaps[group] + line.row.groups[group], "#,##0.##")
    title = _("Raise the 766 score in %(group)s (%(code)s): %(gap)s points short in %(period)s",
              group=group_label(group), code=group, gap=gap, period=period.label)
    description = _("%(unit)s scored %(score)s of %(max)s in %(group)s and %(total)s in all "
                    "(%(period)s). Find why and bring the group to its maximum by the next "
                    "table.", unit=unit.name, score=score, max=top, group=group_label(group),
                    total=total, period=period.label)
    return tasks.TaskDraft(kind=TaskKind.GENERAL, title=title[:300], description=description,
                           due_on=today + timedelta(days=DUE_DAYS), unit=unit)


def create_weakest_task(session, table, unit, *, actor, today, now):
    """Create the task of ``task_draft`` through the task rules; return it."""
    return tasks.create_task(session, task_draft(session, table, unit, today=today),
                             actor=actor, today=today, now=now)
