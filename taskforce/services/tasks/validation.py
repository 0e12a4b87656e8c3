"""The checks on what is typed into a task: title, texts, dates, unit, members, services."""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from taskforce.models import Member, Priority, Service, Task, TaskKind, Unit, task_services
from taskforce.services import clock
from taskforce.services.errors import DomainError
from taskforce.services.text import clean

TITLE_MAX = 300
TEXT_MAX = 4000


@dataclass(frozen=True)
class TaskDraft:
    """A new task as typed in (the task form, the wizard, the demo), before the rules check it.

    ``unit``, ``assignee`` and ``follower`` are ids or objects; ``services`` ids or services.
    """

    kind: str
    title: str
    due_on: date | None
    unit: object = None
    assignee: object = None
    follower: object = None
    priority: str = Priority.NORMAL
    description: str = ""
    doc_number: str | None = None
    doc_date: date | None = None
    doc_title: str | None = None
    services: tuple = ()


def clean_text(value, limit=TEXT_MAX, field_name="note"):
    """Multi-line text: NFC, line breaks kept, ends trimmed, refused when too long."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DomainError(_("The text is too long: at most %(count)s characters.", count=limit),
                          field=field_name)
    return text


def clean_title(title):
    """The task's title, cleaned; refused when empty or too long."""
    title = clean(title)
    if not title:
        raise DomainError(_("Enter the task's title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(_("The title is too long: at most %(count)s characters.",
                            count=TITLE_MAX), field="title")
    return title


def check_due(due_on, today, field_name="due_on"):
    """Refuse a due date that is not a date, or is in the past."""
    if not isinstance(due_on, date) or isinstance(due_on, datetime):
        raise DomainError(_("Enter the due date as dd/mm/yyyy."), field=field_name)
    if due_on < today:
        raise DomainError(_("The due date cannot be in the past."), field=field_name)


def began_on(task, today):
    """The day ``task`` began: the day it was assigned (its creation, in the province's time
    zone), or None when that day is later than ``today``, the caller's day.

    The service stamps a task with the ``now`` it is given, so the demo's tasks began on the
    days of its story. A row stamped after the caller's day was made at the wall clock while
    a demo or a test pins "today" in 2020: its start is not a day of that calendar, and no
    date is refused for it. Never the wall clock itself.
    """
    if task.created_at is None:
        return None
    began = task.created_at.astimezone(clock.zone()).date()
    return began if began <= today else None


def check_not_before_start(task, day, today, field_name):
    """Refuse a date about ``task`` (a due date asked for, a level's effective date) earlier
    than the day the task began, saying which day that was."""
    began = began_on(task, today)
    if began is not None and isinstance(day, date) and day < began:
        raise DomainError(_("This date is before the task began (%(date)s).",
                            date=began.strftime("%d/%m/%Y")), field=field_name)


def _active_unit(session, unit):
    unit = session.get(Unit, unit) if isinstance(unit, int) else unit
    if unit is None or not unit.active:
        raise DomainError(_("Unknown unit."), field="unit")
    return unit


def active_member(session, member, field_name):
    """The active member given by id or object, None for none; refused when unknown."""
    if member is None:
        return None
    member = session.get(Member, member) if isinstance(member, int) else member
    if member is None or not member.active:
        raise DomainError(_("Unknown member of the task force."), field=field_name)
    return member


def check_priority(priority):
    """Refuse a priority that is not one of the four."""
    if priority not in set(Priority):
        raise DomainError(_("Choose a priority."), field="priority")


def document(doc_number, doc_date, doc_title):
    """The directive document's fields, cleaned; refused when too long or not a date."""
    values = {"doc_number": clean(doc_number) or None, "doc_date": doc_date,
              "doc_title": clean(doc_title) or None}
    if values["doc_number"] and len(values["doc_number"]) > 100:
        raise DomainError(_("The document number is too long."), field="doc_number")
    if values["doc_title"] and len(values["doc_title"]) > 500:
        raise DomainError(_("The document title is too long."), field="doc_title")
    if doc_date is not None and not isinstance(doc_date, date):
        raise DomainError(_("Enter the document's date as dd/mm/yyyy."), field="doc_date")
    return values


def _load_services(session, services):
    ids = {s if isinstance(s, int) else s.id for s in services}
    if not ids:
        return []
    found = session.scalars(select(Service).where(Service.id.in_(ids))).all()
    if len(found) != len(ids):
        raise DomainError(_("Unknown service."), field="services")
    return sorted(found, key=lambda s: s.code)


def _covered_elsewhere(session, service_ids):
    return session.scalars(
        select(Service.code).join(task_services, task_services.c.service_id == Service.id)
        .join(Task, Task.id == task_services.c.task_id)
        .where(Service.id.in_(service_ids), Task.kind == TaskKind.UPGRADE,
               Task.is_open())
        .distinct().order_by(Service.code)).all()


def _check_upgrade_services(session, unit, services):
    if unit is None:
        raise DomainError(_("An upgrade task must be assigned to a unit."), field="unit")
    if not services:
        raise DomainError(_("Choose at least one service to upgrade."), field="services")
    for service in services:
        if service.unit_id != unit.id or not service.active:
            raise DomainError(_("The service %(code)s does not belong to %(unit)s.",
                                code=service.code, unit=unit.name), field="services")
        if service.level >= 4:
            raise DomainError(_("The service %(code)s is already at level 4.",
                                code=service.code), field="services")
    taken = _covered_elsewhere(session, [s.id for s in services])
    if taken:
        raise DomainError(_("Already covered by another open upgrade task: %(codes)s.",
                            codes=", ".join(taken)), field="services")


def validated(session, draft, *, today):
    """The new task's checked values: title, description, unit, assignee, follower, services
    and the directive document."""
    if draft.kind not in set(TaskKind):
        raise DomainError(_("Choose the kind of task."), field="kind")
    values = {"title": clean_title(draft.title),
              "description": clean_text(draft.description, field_name="description")}
    check_due(draft.due_on, today)
    values["unit"] = _active_unit(session, draft.unit) if draft.unit is not None else None
    values["assignee"] = active_member(session, draft.assignee, "assignee")
    values["follower"] = active_member(session, draft.follower, "follower")
    check_priority(draft.priority)
    values.update(document(draft.doc_number, draft.doc_date, draft.doc_title))
    chosen = _load_services(session, draft.services)
    if draft.kind == TaskKind.UPGRADE:
        _check_upgrade_services(session, values["unit"], chosen)
    elif values["unit"] is None and values["assignee"] is None:
        raise DomainError(_("Assign the task to a unit or to a member."), field="unit")
    elif chosen:
        raise DomainError(_("Only an upgrade task covers services."), field="services")
    values["services"] = chosen
    return values
