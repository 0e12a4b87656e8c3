"""Reorganisations of units: record one dated event (rename, merge, split, dissolve into) and
pass the units' services, open tasks, addresses and followers to their successors on its date.

Recording checks every event of a batch before writing any (all or nothing); the ends of the
predecessors, the new units and each service's span at its successor from the date
(``service_units``) are written at once, so that the figures of any date show the right unit
even before the hand-over; the hand-over itself (the services' present unit, open tasks,
officers, addresses, followers) on the effective date (at once when it has come, else by
``jobs.reorganisations_job``). Closed tasks and all history stay with the units that had
them; ``service_units`` keeps which unit had each service when.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from taskforce.models import (
    LevelChange,
    Member,
    Reorganisation,
    ReorganisationChange,
    ReorganisationLink,
    Service,
    ServiceUnit,
    SplitAssignment,
    Task,
    Unit,
    User,
)
from taskforce.permissions import can
from taskforce.services import audit, bounds
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.text import clean, fold

CODE_LENGTH = 40
NAME_LENGTH = 200
MERGE, SPLIT = ReorganisationChange.MERGE, ReorganisationChange.SPLIT
RENAME, DISSOLVE = ReorganisationChange.RENAME, ReorganisationChange.DISSOLVE


@dataclass(frozen=True)
class Successor:
    """A unit that receives work: an existing unit's code, or a new unit's code and name;
    for a split, the codes of the services it receives."""

    code: str
    name: str = ""
    service_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReorganisationDraft:
    """One event as typed in or read from a sheet, before the rules check it."""

    effective_on: date | None
    change: str
    from_codes: tuple[str, ...]
    successors: tuple[Successor, ...]
    basis: str = ""


@dataclass
class NewUnit:
    """A successor the event creates; ``unit`` once written."""

    code: str
    name: str
    started_on: date
    like: object  # the first predecessor (a Unit or a NewUnit): its kind, parent and focal
    unit: Unit | None = None


@dataclass
class Checked:
    """An event that passed the rules: the predecessors, the successors, split assignments."""

    draft: ReorganisationDraft
    sources: list
    targets: list
    assignments: dict = field(default_factory=dict)  # service id -> index in targets


class Batch:
    """What the events checked so far will have done: units they create and end."""

    def __init__(self, session):
        self.session = session
        self.created = {}  # folded code -> NewUnit
        self.ends = {}  # key(unit or NewUnit) -> effective date that ends it

    @staticmethod
    def key(unit):
        """A unit's lasting identity in the batch: its id, or a new unit's code. (Not the
        object's ``id()``: a unit the session no longer holds may be collected, and a unit
        loaded later may take its address.)"""
        if isinstance(unit, NewUnit):
            return ("new", fold(unit.code))
        return ("unit", unit.id)

    def find(self, code):
        key = fold(code)
        if key in self.created:
            return self.created[key]
        return self.session.scalar(select(Unit).where(func.lower(Unit.code) == key.lower()))


# Checking ------------------------------------------------------------------------------------

def _began_on(unit):
    return unit.started_on


def _ended(unit, batch):
    """The effective date of the event that ends ``unit``, recorded or in the batch."""
    if batch.key(unit) in batch.ends:
        return batch.ends[batch.key(unit)]
    ended_on = getattr(unit, "ended_on", None)
    return ended_on + timedelta(days=1) if ended_on else None


def _check_source(unit, code, on, batch):
    began = _began_on(unit)
    if began is not None and on <= began:
        raise DomainError(_("%(code)s began on %(date)s: a reorganisation of it must come "
                            "after that date.", code=code, date=began.strftime("%d/%m/%Y")),
                          field="from_codes")
    ended = _ended(unit, batch)
    if ended == on:
        raise DomainError(_("%(code)s is already reorganised on %(date)s: a unit is merged, "
                            "split or renamed once on a date.", code=code,
                            date=on.strftime("%d/%m/%Y")), field="from_codes")
    if ended is not None:
        raise DomainError(_("%(code)s ends on %(date)s by another reorganisation.", code=code,
                            date=(ended - timedelta(days=1)).strftime("%d/%m/%Y")),
                          field="from_codes")


def _sources(draft, batch):
    codes = [clean(code) for code in draft.from_codes if clean(code)]
    if not codes:
        raise DomainError(_("Name the units that are reorganised."), field="from_codes")
    repeated = [code for code, n in Counter(fold(c) for c in codes).items() if n > 1]
    if repeated:
        raise DomainError(_("%(code)s is listed twice.", code=repeated[0].upper()),
                          field="from_codes")
    sources = []
    for code in codes:
        unit = batch.find(code)
        if unit is None:
            raise DomainError(_("Unknown unit code %(code)s.", code=code), field="from_codes")
        _check_source(unit, code, draft.effective_on, batch)
        sources.append(unit)
    return sources


def _count_rule(change, sources, successors):
    single = len(sources) == 1
    if change in (RENAME, DISSOLVE, SPLIT) and not single:
        return _("A rename, a split or a dissolution concerns one unit.")
    if change == MERGE and single:
        return _("A merger joins at least two units.")
    if change == SPLIT and len(successors) < 2:
        return _("A split names at least two successors.")
    if change != SPLIT and len(successors) != 1:
        return _("This change has one successor.")
    return None


def _target(successor, draft, sources, batch):
    code, name = clean(successor.code), clean(successor.name)
    if not code:
        raise DomainError(_("Enter the successor's code."), field="to_code")
    found = batch.find(code)
    if found is None:
        if draft.change == DISSOLVE:
            raise DomainError(_("Unknown unit code %(code)s: a unit is dissolved into an "
                                "existing one.", code=code), field="to_code")
        if len(code) > CODE_LENGTH or not name or len(name) > NAME_LENGTH:
            raise DomainError(_("Enter the new unit's code (at most %(code)s characters) and "
                                "name (at most %(name)s).", code=CODE_LENGTH, name=NAME_LENGTH),
                              field="to_name")
        new = NewUnit(code=code, name=name, started_on=draft.effective_on, like=sources[0])
        batch.created[fold(code)] = new
        return new
    taken = draft.change == RENAME or (found in sources and draft.change != MERGE)
    if taken:
        raise DomainError(_("The code %(code)s is already used by %(unit)s.", code=code,
                            unit=found.name), field="to_code")
    began, ended = _began_on(found), _ended(found, batch)
    if found not in sources and ((began is not None and began > draft.effective_on)
                                 or (ended is not None and ended <= draft.effective_on)):
        raise DomainError(_("%(code)s does not exist on %(date)s.", code=code,
                            date=draft.effective_on.strftime("%d/%m/%Y")), field="to_code")
    return found


def _assignments(session, draft, source, targets):
    """``{service id: target index}`` of a split; every active service given exactly once."""
    services = ([] if isinstance(source, NewUnit) else
                session.scalars(select(Service).where(Service.unit_id == source.id)).all())
    by_code = {}
    for service in services:
        by_code.setdefault(fold(service.code), []).append(service)
    given = {}
    for index, successor in enumerate(draft.successors):
        for code in (clean(c) for c in successor.service_codes):
            if not code:
                continue
            found = by_code.get(fold(code))
            if not found:
                raise DomainError(_("%(code)s is not a service of %(unit)s.", code=code,
                                    unit=source.name), field="service_codes")
            for service in found:
                if given.setdefault(service.id, index) != index:
                    raise DomainError(_("The service %(code)s is given to two successors.",
                                        code=code), field="service_codes")
    left = sorted({s.code for s in services if s.active and s.id not in given})
    if left:
        raise DomainError(_("The split leaves services of %(unit)s unassigned: %(codes)s.",
                            unit=source.name, codes=", ".join(left[:20])),
                          field="service_codes")
    return given


def check(session, draft, batch):
    """The event ``draft`` checked against the units and the batch, or a DomainError."""
    if draft.change not in set(ReorganisationChange):
        raise DomainError(_("The change must be rename, merge, split or dissolve."),
                          field="change")
    if draft.effective_on is None:
        raise DomainError(_("Enter the date the reorganisation takes effect."),
                          field="effective_on")
    bounds.check_date(draft.effective_on, field="effective_on")
    sources = _sources(draft, batch)
    rule = _count_rule(draft.change, sources, draft.successors)
    if rule:
        raise DomainError(rule, field="to_code")
    codes = [fold(s.code) for s in draft.successors]
    if len(set(codes)) != len(codes):
        raise DomainError(_("A successor is named twice."), field="to_code")
    targets = [_target(s, draft, sources, batch) for s in draft.successors]
    assignments = (_assignments(session, draft, sources[0], targets)
                   if draft.change == SPLIT else {})
    for source in sources:
        if source not in targets:
            batch.ends[batch.key(source)] = draft.effective_on
    return Checked(draft, sources, targets, assignments)


# Writing -------------------------------------------------------------------------------------

def _written(target, session):
    if not isinstance(target, NewUnit):
        return target
    if target.unit is None:
        like = _written(target.like, session)
        target.unit = Unit(code=target.code, name=target.name, name_key=fold(target.name),
                           kind=like.kind, parent_id=like.parent_id,
                           display_order=like.display_order, started_on=target.started_on,
                           focal_name=like.focal_name, focal_title=like.focal_title,
                           focal_email=like.focal_email, focal_phone=like.focal_phone,
                           notify_emails="")
        session.add(target.unit)
        session.flush()
    return target.unit


def _summary(checked):
    # Codes and a date only: the summary is stored, and read in either language.
    sources = ", ".join(s.code for s in checked.sources)
    targets = ", ".join(t.code for t in checked.targets)
    return f"{sources} → {targets} ({checked.draft.effective_on:%d/%m/%Y})"


def _write(session, checked, *, actor, now):
    draft = checked.draft
    sources = [_written(unit, session) for unit in checked.sources]
    targets = [_written(unit, session) for unit in checked.targets]
    event = Reorganisation(effective_on=draft.effective_on, change=draft.change,
                           basis=clean(draft.basis) or "",
                           recorded_by_id=getattr(actor, "id", None),
                           recorded_at=now)
    session.add(event)
    session.flush()
    for source in sources:
        if source not in targets:
            source.ended_on = draft.effective_on - timedelta(days=1)
        session.add_all(ReorganisationLink(reorganisation_id=event.id, from_unit_id=source.id,
                                           to_unit_id=target.id)
                        for target in targets if target is not source)
    session.add_all(SplitAssignment(reorganisation_id=event.id, service_id=service_id,
                                    to_unit_id=targets[index].id)
                    for service_id, index in checked.assignments.items())
    assigned = {service_id: targets[index]
                for service_id, index in checked.assignments.items()}
    for source in sources:
        if source not in targets:
            _write_spans(session, event, _services_of(session, source),
                         [t for t in targets if t is not source], assigned)
    session.flush()
    audit.record(session, actor, "reorganisation.record", event, summary=_summary(checked),
                 unit_id=targets[0].id, now=now,
                 changes={"units": [u.code for u in sources + targets],
                          "effective_on": draft.effective_on.isoformat()})
    return event


def record(session, drafts, *, actor, today, now):
    """Check every event of ``drafts``, then record them all; apply those whose date has come.

    Raise DomainError (or PermissionDenied) before anything is written. ``actor`` None is
    the operator at the command line.
    """
    if actor is not None and not can(actor, "units.reorganise"):
        raise PermissionDenied(_("Only an administrator may record a reorganisation."))
    batch = Batch(session)
    checked = [check(session, draft, batch) for draft in drafts]
    events = [_write(session, item, actor=actor, now=now) for item in checked]
    apply_due(session, today=today, now=now, actor=actor)
    return events


# Applying ------------------------------------------------------------------------------------

def _history_starts(session, service_ids):
    """``{service id: first day of its history}`` for services that have no span yet."""
    spanned = set(session.scalars(select(ServiceUnit.service_id)
                                  .where(ServiceUnit.service_id.in_(service_ids))))
    missing = [i for i in service_ids if i not in spanned]
    starts = dict(session.execute(
        select(LevelChange.service_id, func.min(LevelChange.effective_on))
        .where(LevelChange.service_id.in_(missing)).group_by(LevelChange.service_id)).all())
    return {i: starts.get(i) for i in missing}


def _services_of(session, unit):
    return session.scalars(select(Service).where(Service.unit_id == unit.id)
                           .order_by(Service.id)).all()


def _write_spans(session, event, services, targets, assignments):
    """Each of ``services`` (of one source) at its successor from the event's date, and at
    the source from the start of its history when it has no span yet; a service that has
    the event's span already (written when the event was recorded) is left as it is."""
    ids = [s.id for s in services]
    if not ids:
        return
    done = set(session.scalars(select(ServiceUnit.service_id).where(
        ServiceUnit.reorganisation_id == event.id, ServiceUnit.service_id.in_(ids))))
    todo = [s for s in services if s.id not in done]
    starts = _history_starts(session, [s.id for s in todo]) if todo else {}
    before = event.effective_on - timedelta(days=1)
    for service in todo:
        if service.id in starts:
            first = starts[service.id] or service.created_at.date()
            session.add(ServiceUnit(service_id=service.id, unit_id=service.unit_id,
                                    started_on=min(first, before)))
        session.add(ServiceUnit(service_id=service.id,
                                unit_id=assignments.get(service.id, targets[0]).id,
                                started_on=event.effective_on, reorganisation_id=event.id))


def _move_services(session, event, source, targets, assignments):
    """The source's services pass to their successors: spans for those that came to it
    since the event was recorded, then their present unit."""
    services = _services_of(session, source)
    _write_spans(session, event, services, targets, assignments)
    received = Counter()
    for service in services:
        target = assignments.get(service.id, targets[0])
        service.unit_id = target.id
        received[service.id] = target
    return received


def _task_target(task, received, targets):
    votes = Counter(received[s.id].id for s in task.services if s.id in received)
    if votes:
        best = votes.most_common(1)[0][0]
        return next(t for t in targets if t.id == best)
    return targets[0]


def _move_tasks(session, source, targets, received):
    tasks = session.scalars(select(Task).where(Task.unit_id == source.id, Task.is_open())).all()
    for task in tasks:
        task.unit_id = _task_target(task, received, targets).id
    return len(tasks)


def _pass_addresses(source, targets):
    for target in targets:
        known = {a.lower() for a in target.notify_list}
        extra = [a for a in source.notify_list if a.lower() not in known]
        if extra:
            target.notify_emails = ", ".join(filter(None, [target.notify_emails, *extra]))


def _pass_followers(session, source, targets):
    followers = session.scalars(select(Member).where(
        Member.units.any(Unit.id == source.id))).all()
    for member in followers:
        member.units.extend(t for t in targets if t not in member.units)


def apply(session, event, *, now, actor=None):
    """Pass the predecessors' work to the successors: services (with their history),
    open tasks, officers, addresses and followers; the predecessors become inactive."""
    assignments = {a.service_id: session.get(Unit, a.to_unit_id) for a in event.assignments}
    by_source = {}
    for link in event.links:
        by_source.setdefault(link.from_unit, []).append(link.to_unit)
    moved = {"services": 0, "tasks": 0}
    for source, targets in by_source.items():
        received = _move_services(session, event, source, targets, assignments)
        moved["services"] += len(received)
        moved["tasks"] += _move_tasks(session, source, targets, received)
        for user in session.scalars(select(User).where(User.unit_id == source.id)):
            user.unit_id = targets[0].id
        _pass_addresses(source, targets)
        _pass_followers(session, source, targets)
        if source.ended_on is not None:
            source.active = False
    event.applied_at = now
    session.flush()
    audit.record(session, actor, "reorganisation.apply", event, now=now, changes=moved,
                 summary=", ".join(sorted({t.name for ts in by_source.values() for t in ts})))
    return moved


def apply_due(session, *, today, now, actor=None):
    """Apply every recorded reorganisation whose date has come, oldest first."""
    due = session.scalars(select(Reorganisation).where(
        Reorganisation.applied_at.is_(None), Reorganisation.effective_on <= today)
        .order_by(Reorganisation.effective_on, Reorganisation.id)).all()
    for event in due:
        apply(session, event, now=now, actor=actor)
    return len(due)


def history(session, *, limit=100):
    """The reorganisations recorded, latest date first."""
    return session.scalars(select(Reorganisation).order_by(
        Reorganisation.effective_on.desc(), Reorganisation.id.desc()).limit(limit)).all()
