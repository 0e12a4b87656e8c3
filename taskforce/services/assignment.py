"""The assignment wizard ("giao chỉ tiêu"): quotas per unit and upgrade tasks in one go.

The quota of a unit is how many more services it needs at level 4 (verified) to reach
the target share: ``max(0, ceil(target × services) − level-4 verified)``, from the KPI
figures as of today. The wizard offers the unit's level-3 services, busiest first by
dossier volume over the last twelve months, and pre-ticks as many as the quota still
asks for once the services already in open upgrade tasks are counted.
"""

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, select

from taskforce import permissions
from taskforce.models import (
    Member,
    Service,
    ServiceUsage,
    Task,
    TaskKind,
    Unit,
    member_units,
    task_services,
)
from taskforce.services import audit, kpi, measures, next_steps, plans, settings, tasks
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.tasks.validation import TITLE_MAX
from taskforce.services.text import clean

USAGE_MONTHS = 12
MAX_UNITS = 100


class UnitError(DomainError):
    """A rule refused the task of one unit; ``unit_id`` says which."""

    def __init__(self, message, unit_id, field=None):
        super().__init__(message, field=field)
        self.unit_id = unit_id


@dataclass
class Candidate:
    service: Service
    dossiers: int


@dataclass
class UnitPlan:
    """What step 2 shows for one unit: its figures, quota and the services to choose from."""

    unit: Unit
    figures: kpi.Figures
    quota: int
    in_open_tasks: int
    candidates: list = field(default_factory=list)
    follower: Member | None = None

    @property
    def suggested(self):
        """How many services to pre-tick: the quota less those already being upgraded."""
        return min(max(0, self.quota - self.in_open_tasks), len(self.candidates))

    @property
    def suggested_ids(self):
        return {c.service.id for c in self.candidates[: self.suggested]}

    @property
    def lacking(self):
        """How many services the quota asks for beyond those the unit has left to assign."""
        return max(0, self.quota - self.in_open_tasks - len(self.candidates))


@dataclass
class Choice:
    """The leader's choice for one unit on the final step."""

    unit_id: int
    service_ids: list
    follower_id: int | None = None


@dataclass
class Common:
    """The fields every task of one assignment shares."""

    title: str
    due_on: date
    priority: str = "normal"
    description: str = ""
    doc_number: str | None = None
    doc_date: date | None = None
    doc_title: str | None = None


def usage_start(today):
    """The first month counted in the dossier volume: twelve months up to today's."""
    return date(today.year, today.month, 1) - relativedelta(months=USAGE_MONTHS - 1)


def check_manager(actor):
    if not permissions.can(actor, "tasks.manage"):
        raise PermissionDenied(_("Only the leadership may assign tasks."))


def load_units(session, unit_ids):
    """The active units of ``unit_ids`` in display order; refuse an unknown one."""
    ids = list(dict.fromkeys(unit_ids or ()))
    if not ids:
        raise DomainError(_("Choose at least one unit."), field="units")
    if len(ids) > MAX_UNITS:
        raise DomainError(_("Choose at most %(n)s units at a time.", n=MAX_UNITS),
                          field="units")
    found = session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.active.is_(True))
                            .order_by(Unit.display_order, Unit.name)).all()
    if len(found) != len(ids):
        raise DomainError(_("Unknown unit."), field="units")
    return found


def _candidates(session, unit_ids, today):
    """{unit_id: [Candidate]}: level-3 services not in an open upgrade task, busiest first."""
    volume = (
        select(ServiceUsage.service_id, func.sum(ServiceUsage.dossiers_total).label("dossiers"))
        .where(ServiceUsage.month >= usage_start(today), ServiceUsage.month <= today)
        .group_by(ServiceUsage.service_id)
        .subquery()
    )
    dossiers = func.coalesce(volume.c.dossiers, 0)
    rows = session.execute(
        select(Service, dossiers.label("dossiers"))
        .outerjoin(volume, volume.c.service_id == Service.id)
        .where(Service.unit_id.in_(unit_ids), Service.active.is_(True), Service.level == 3,
               Service.id.not_in(_open_task_services()))
        .order_by(Service.unit_id, dossiers.desc(), Service.name_key, Service.id)
    )
    found = {unit_id: [] for unit_id in unit_ids}
    for service, count in rows:
        found[service.unit_id].append(Candidate(service, int(count)))
    return found


def _open_task_services():
    return (select(task_services.c.service_id)
            .join(Task, Task.id == task_services.c.task_id)
            .where(Task.kind == TaskKind.UPGRADE, Task.is_open()))


def _in_open_tasks(session, unit_ids):
    """{unit_id: services of the unit already covered by an open upgrade task}."""
    rows = session.execute(
        select(Service.unit_id, func.count(Service.id))
        .where(Service.unit_id.in_(unit_ids), Service.active.is_(True),
               Service.id.in_(_open_task_services()))
        .group_by(Service.unit_id)
    )
    return {unit_id: int(count) for unit_id, count in rows}


def default_followers(session, unit_ids):
    """{unit_id: the active member who follows the unit}, first in the roster's order."""
    rows = session.execute(
        select(member_units.c.unit_id, Member)
        .join(Member, Member.id == member_units.c.member_id)
        .where(member_units.c.unit_id.in_(unit_ids), Member.active.is_(True))
        .order_by(member_units.c.unit_id, Member.display_order, Member.id)
    )
    found = {}
    for unit_id, member in rows:
        found.setdefault(unit_id, member)
    return found


@dataclass(frozen=True)
class Effect:
    """What the proposal would do to the plan's indicator: its value today and its value if
    the ``proposed`` services (those pre-ticked) reach level 4."""

    indicator: plans.IndicatorReport
    proposed: int
    value_after: float | None


def plan_indicator(session, today):
    """The default plan's first share of services at level 4 (or above) as of ``today``,
    or None: the indicator the wizard's quotas follow."""
    report = plans.default_report(session, today)
    for item in report.indicators if report is not None else []:
        if item.indicator.measure == "share_at_class" \
                and (item.indicator.params or {}).get("min_level", 4) == next_steps.FULL_ONLINE:
            return item
    return None


def _plan_quotas(session, item, today, units):
    """{unit_id: services it still needs at level 4 for the indicator's target}, from the
    ranking of the best next steps (a unit at or above the target needs none)."""
    result = measures.compute(session, item.indicator.measure, today,
                              measures.check_params(item.indicator.measure,
                                                    item.indicator.params or {}))
    ranked = next_steps.units_to_push(result, [(u.id, u.name) for u in units], item.target,
                                      limit=len(units))
    return {step.unit_id: step.needed for step in ranked}


def effect(session, unit_plans, today):
    """The proposal's effect on the plan's indicator (None without one): the value it would
    have if every pre-ticked service of ``unit_plans`` reached level 4."""
    item = plan_indicator(session, today)
    if item is None:
        return None
    proposed = sum(p.suggested for p in unit_plans)
    after = ((item.numerator + proposed) / item.denominator
             if item.denominator else None)
    return Effect(indicator=item, proposed=proposed,
                  value_after=min(1.0, after) if after is not None else None)


def plan(session, *, unit_ids, today, target=None, title=None):
    """For each chosen unit: figures as of today, quota, candidates and default follower.

    The quota follows the default plan's share indicator (its target, the services each unit
    lacks in the ranking of ``next_steps``); without one, or with ``target`` given, the target
    share of the settings. With ``title``, each unit's task title is checked first (see
    ``check_titles``).
    """
    units = load_units(session, unit_ids)
    if title is not None:
        check_titles(title, units)
    ids = [u.id for u in units]
    item = plan_indicator(session, today) if target is None else None
    quotas = _plan_quotas(session, item, today, units) if item is not None else None
    target = settings.target_share(session) if target is None else target
    _, per_unit = kpi.compute(session, today, target)
    figures = {unit.id: fig for unit, fig in per_unit}
    candidates = _candidates(session, ids, today)
    covered = _in_open_tasks(session, ids)
    followers = default_followers(session, ids)
    proposals = []
    for unit in units:
        fig = figures.get(unit.id, kpi.Figures())
        quota = quotas.get(unit.id, 0) if quotas is not None else fig.to_target
        proposals.append(UnitPlan(unit=unit, figures=fig, quota=quota,
                                  in_open_tasks=covered.get(unit.id, 0),
                                  candidates=candidates[unit.id],
                                  follower=followers.get(unit.id)))
    return proposals


def task_title(title, unit):
    """The title of one unit's task: the common title and the unit's name."""
    return _("%(title)s – %(unit)s", title=clean(title), unit=unit.name)


def check_titles(title, units):
    """Refuse a common title that, with a unit's name added, would be too long for a task.

    Said before any task is made rather than cut: the first unit whose title is too long
    is named with its length.
    """
    for unit in units:
        length = len(task_title(title, unit))
        if length > TITLE_MAX:
            raise DomainError(_("With the name of %(unit)s added, the task's title has "
                                "%(count)s characters; shorten it to at most %(max)s in all.",
                                unit=unit.name, count=length, max=TITLE_MAX),
                              field="title")


def check_common(common, today):
    """Refuse the shared fields before any task is made, naming the field."""
    if not clean(common.title):
        raise DomainError(_("Enter the task's title."), field="title")
    if not isinstance(common.due_on, date):
        raise DomainError(_("Enter the due date as dd/mm/yyyy."), field="due_on")
    if common.due_on < today:
        raise DomainError(_("The due date cannot be in the past."), field="due_on")


def assign(session, *, actor, today, common, choices, now=None):
    """Create one upgrade task per chosen unit, or none at all.

    Every task goes through ``tasks.create_task``; the first refusal raises a
    ``UnitError`` naming the unit, and the caller rolls the session back so no
    task of the assignment remains.
    """
    check_manager(actor)
    check_common(common, today)
    units = {u.id: u for u in load_units(session, [c.unit_id for c in choices])}
    check_titles(common.title, units.values())
    made = []
    for choice in choices:
        unit = units[choice.unit_id]
        if not choice.service_ids:
            raise UnitError(_("%(unit)s: tick at least one service, or go back and leave "
                              "the unit out.", unit=unit.name), unit.id, field="services")
        try:
            made.append(tasks.create_task(session, tasks.TaskDraft(
                kind=TaskKind.UPGRADE, title=task_title(common.title, unit),
                due_on=common.due_on, unit=unit, follower=choice.follower_id,
                priority=common.priority, description=common.description,
                doc_number=common.doc_number, doc_date=common.doc_date,
                doc_title=common.doc_title, services=tuple(choice.service_ids)),
                actor=actor, today=today, now=now))
        except PermissionDenied:
            raise
        except DomainError as error:
            raise UnitError(_("%(unit)s: %(error)s", unit=unit.name, error=error.message),
                            unit.id, field=error.field) from None
    audit.record(session, actor, "task.assign", None, now=now, summary=clean(common.title),
                 changes={"due_on": common.due_on.isoformat(), "tasks": [t.id for t in made],
                          "units": [t.unit.name for t in made]})
    return made
