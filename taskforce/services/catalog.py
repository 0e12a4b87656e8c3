"""The service catalog: searching and filtering, level claims and their verification."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from taskforce import permissions
from taskforce.models import (
    ClaimStatus,
    LevelChange,
    LevelSource,
    Service,
    ServiceUsage,
    Task,
    Tier,
    Unit,
)
from taskforce.models.types import utcnow
from taskforce.services import audit, exports, files, notifications, online_classes, settings
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.text import clean, fold, like_pattern

LEVELS = (1, 2, 3, 4)
MISSING = ("payment", "evaluation", "result", "any")
SORTS = ("name", "code", "unit", "level")
# The boxes a claimant ticks; the first three are the level-4 checklist.
PREREQUISITES = ("online_processing", "online_payment", "online_result", "evaluation")
# Where a ticked box is kept on the service once the claim is verified.
SERVICE_FLAGS = {
    "online_payment": "has_online_payment",
    "online_result": "has_online_result",
    "evaluation": "is_connected_evaluation",
}


@dataclass
class Filters:
    """What the catalog list is narrowed to; every field optional."""

    q: str = ""
    unit_id: int | None = None
    level: int | None = None
    # The stored levels the chosen class covers (online_classes.levels_in_class); the level
    # alone when empty.
    levels: tuple = ()
    field: str = ""
    tier: str = ""
    verified: str = ""
    missing: str = ""
    sort: str = "name"


def _pending_exists():
    return exists().where(LevelChange.service_id == Service.id,
                          LevelChange.status == ClaimStatus.PENDING)


def _missing_condition(missing):
    payment = Service.has_fee.is_(True) & Service.has_online_payment.is_(False)
    evaluation = Service.is_connected_evaluation.is_(False)
    result = Service.has_online_result.is_(False)
    return {"payment": payment, "evaluation": evaluation, "result": result,
            "any": or_(payment, evaluation, result)}[missing]


def _search_condition(q):
    pattern = like_pattern(q)
    return or_(Service.name_key.like(pattern, escape="\\"),
               func.lower(Service.code).like(pattern, escape="\\"))


def _conditions(filters):
    conditions = [Service.active.is_(True)]
    if fold(filters.q):
        conditions.append(_search_condition(filters.q))
    if filters.unit_id:
        conditions.append(Service.unit_id == filters.unit_id)
    if filters.level in LEVELS:
        conditions.append(Service.level.in_(filters.levels or (filters.level,)))
    if filters.field:
        conditions.append(Service.field == filters.field)
    if filters.tier in set(Tier):
        conditions.append(Service.tier == filters.tier)
    if filters.verified == "yes":
        conditions.append(~_pending_exists())
    elif filters.verified == "no":
        conditions.append(_pending_exists())
    if filters.missing in MISSING:
        conditions.append(_missing_condition(filters.missing))
    return conditions


def _order(sort):
    if sort == "code":
        return (Service.code, Service.id)
    if sort == "level":
        return (Service.level.desc(), Service.name_key, Service.id)
    if sort == "unit":
        return (Unit.display_order, Unit.name, Service.name_key, Service.id)
    return (Service.name_key, Service.id)


def search(filters):
    """A query of the active services matching ``filters``, with their unit loaded."""
    query = select(Service).where(*_conditions(filters)).options(selectinload(Service.unit))
    if filters.sort == "unit":
        query = query.join(Unit, Unit.id == Service.unit_id)
    return query.order_by(*_order(filters.sort))


def pending_claims_by_service(session, service_ids):
    """{service_id: pending LevelChange} for the given services, in one query."""
    if not service_ids:
        return {}
    rows = session.scalars(select(LevelChange).where(
        LevelChange.service_id.in_(service_ids), LevelChange.status == ClaimStatus.PENDING))
    return {change.service_id: change for change in rows}


def fields(session):
    """The distinct fields (lĩnh vực) of the active services, for the filter.

    A catalog has a few dozen fields over up to hundreds of thousands of services, so each
    field is found from the previous one through the index (a loose index scan) rather
    than by reading every service.
    """
    def first_after(previous=None):
        query = select(Service.field).where(Service.active.is_(True),
                                            Service.field.is_not(None))
        if previous is not None:
            query = query.where(Service.field > previous)
        return query.order_by(Service.field).limit(1).scalar_subquery()

    found = select(first_after().label("field")).cte("fields", recursive=True)
    found = found.union_all(select(first_after(found.c.field)).where(found.c.field.is_not(None)))
    return session.scalars(select(found.c.field).where(found.c.field.is_not(None))
                           .order_by(found.c.field)).all()


def export_rows(session, filters):
    """Rows of the filtered catalog for a spreadsheet, read in one query."""
    pending = aliased(LevelChange)
    query = (
        select(Service.code, Service.name, Unit.name.label("unit_name"), Service.field,
               Service.tier, Service.level, pending.to_level.label("claimed_level"),
               pending.effective_on.label("claimed_on"), Service.has_fee,
               Service.has_online_payment, Service.is_connected_evaluation,
               Service.has_online_result)
        .join(Unit, Unit.id == Service.unit_id)
        .outerjoin(pending, (pending.service_id == Service.id)
                   & (pending.status == ClaimStatus.PENDING))
        .where(*_conditions(filters))
        .order_by(*_order(filters.sort))
    )
    return session.execute(query).all()


def _yes_no(value):
    return _("yes") if value else _("no")


def _missing_names(row):
    names = []
    if row.has_fee and not row.has_online_payment:
        names.append(_("online payment"))
    if not row.is_connected_evaluation:
        names.append(_("evaluation system"))
    if not row.has_online_result:
        names.append(_("result online"))
    return ", ".join(names)


def export_workbook(session, filters, *, today):
    """The filtered catalog as an .xlsx file (bytes); text is made safe for spreadsheets.

    Levels are written in the vocabulary in force today, a claimed one in that of its date.
    """
    switch_on = settings.class_switch_on(session)
    tiers = {Tier.PROVINCE: _("Province"), Tier.DISTRICT: _("District"),
             Tier.COMMUNE: _("Commune")}
    headers = [_("Code"), _("Service"), _("Unit"), _("Field"), _("Tier"),
               _("Level (verified)"), _("Level claimed"), _("Claimed in effect since"),
               _("Fee"), _("Online payment"), _("Evaluation system"), _("Result online"),
               _("Missing for level 4")]
    rows = [
        [r.code, r.name, r.unit_name, r.field or "", tiers.get(r.tier, r.tier),
         str(online_classes.class_label(r.level, today, switch_on)),
         str(online_classes.class_label(r.claimed_level, r.claimed_on, switch_on))
         if r.claimed_level else None, r.claimed_on, _yes_no(r.has_fee),
         _yes_no(r.has_online_payment), _yes_no(r.is_connected_evaluation),
         _yes_no(r.has_online_result), _missing_names(r)]
        for r in export_rows(session, filters)
    ]
    sheet = exports.Sheet(_("Catalog"), headers, rows, title=_("Catalog of online public services"),
                          period=_("As of %(date)s", date=today.strftime("%d/%m/%Y")))
    return exports.workbook([sheet], exports.letterhead(session, today))


def history(session, service):
    """The level changes of ``service``, oldest first, with who claimed and verified them."""
    return session.scalars(
        select(LevelChange).where(LevelChange.service_id == service.id)
        .options(selectinload(LevelChange.claimed_by), selectinload(LevelChange.verified_by),
                 selectinload(LevelChange.evidence))
        .order_by(LevelChange.effective_on, LevelChange.id)
    ).all()


def monthly_usage(session, service, *, today, months=12):
    """[(month, ServiceUsage or None)] for the last ``months`` months up to ``today``."""
    last = date(today.year, today.month, 1)
    first = last - relativedelta(months=months - 1)
    rows = session.scalars(select(ServiceUsage).where(
        ServiceUsage.service_id == service.id, ServiceUsage.month >= first,
        ServiceUsage.month <= today))
    by_month = {date(r.month.year, r.month.month, 1): r for r in rows}
    return [(m, by_month.get(m)) for m in (first + relativedelta(months=i)
                                           for i in range(months))]


def pending_claims(unit_id=None):
    """A query of the claims awaiting verification, oldest first, for the queue."""
    query = (
        select(LevelChange).join(Service, Service.id == LevelChange.service_id)
        .where(LevelChange.status == ClaimStatus.PENDING)
        .options(selectinload(LevelChange.service).selectinload(Service.unit),
                 selectinload(LevelChange.claimed_by), selectinload(LevelChange.evidence))
        .order_by(LevelChange.claimed_at, LevelChange.id)
    )
    if unit_id:
        query = query.where(Service.unit_id == unit_id)
    return query


def count_pending(session):
    """How many claims await verification."""
    return session.scalar(select(func.count(LevelChange.id))
                          .where(LevelChange.status == ClaimStatus.PENDING))


def pending_claim(session, service):
    """The claim of ``service`` awaiting verification, or None."""
    return session.scalar(select(LevelChange).where(
        LevelChange.service_id == service.id, LevelChange.status == ClaimStatus.PENDING))


def _latest_verified(session, service):
    return session.scalar(
        select(LevelChange)
        .where(LevelChange.service_id == service.id, LevelChange.status == ClaimStatus.VERIFIED)
        .order_by(LevelChange.effective_on.desc(), LevelChange.id.desc()).limit(1))


def _check_level4(service, ticked):
    if not ticked.get("online_processing"):
        raise DomainError(_("Level 4 needs the dossier to be submitted and processed online: "
                            "confirm it."), field="online_processing")
    if service.has_fee and not ticked.get("online_payment"):
        raise DomainError(_("This procedure charges a fee, so level 4 needs online payment: "
                            "confirm it."), field="online_payment")
    if not ticked.get("online_result"):
        raise DomainError(_("Level 4 needs the result to be returned online or by post: "
                            "confirm it."), field="online_result")


def check_claim(session, service, *, actor, to_level, effective_on, today, prerequisites=None):
    """Refuse, with a DomainError on the field at fault, a claim that may not be made."""
    if not permissions.can(actor, "services.claim", service):
        raise PermissionDenied(_("You may not claim a level for this service."))
    if to_level not in LEVELS:
        raise DomainError(_("Choose a level from 1 to 4."), field="to_level")
    if pending_claim(session, service) is not None:
        raise DomainError(_("This service already has a claim awaiting verification; wait "
                            "for it to be verified or returned."), field="to_level")
    if to_level == service.level:
        raise DomainError(_("The service is already at level %(level)s.", level=to_level),
                          field="to_level")
    if effective_on is None:
        raise DomainError(_("Enter the date the new level took effect."), field="effective_on")
    if effective_on > today:
        raise DomainError(_("The date cannot be in the future."), field="effective_on")
    previous = _latest_verified(session, service)
    if previous is not None and effective_on < previous.effective_on:
        raise DomainError(_("The date cannot be before the previous change (%(date)s).",
                            date=previous.effective_on.strftime("%d/%m/%Y")),
                          field="effective_on")
    if to_level == 4:
        _check_level4(service, prerequisites or {})


def claim_level(session, service, *, actor, to_level, effective_on, today, note=None,
                evidence=None, task=None, prerequisites=None, now=None):
    """Record a pending claim that ``service`` reached ``to_level`` on ``effective_on``.

    ``prerequisites`` maps the boxes of PREREQUISITES to whether the claimant ticked them;
    a level-4 claim needs the checklist. The ticked boxes reach the service on verification.
    """
    check_claim(session, service, actor=actor, to_level=to_level, effective_on=effective_on,
                today=today, prerequisites=prerequisites)
    ticked = {k: bool((prerequisites or {}).get(k)) for k in PREREQUISITES}
    change = LevelChange(
        service_id=service.id, from_level=service.level, to_level=to_level,
        effective_on=effective_on, status=ClaimStatus.PENDING, source=LevelSource.CLAIM,
        task_id=getattr(task, "id", None), claimed_by_id=actor.id, claimed_at=now or utcnow(),
        evidence_note=clean(note) or None, evidence_id=getattr(evidence, "id", None),
        prerequisites=ticked)
    session.add(change)
    session.flush()
    audit.record(session, actor, "claim.create", change, now=now, unit_id=service.unit_id,
                 summary=_claim_summary(service, change),
                 changes={"level": [service.level, to_level],
                          "effective_on": effective_on.isoformat(), "prerequisites": ticked})
    return change


def claim_with_upload(session, service, *, actor, to_level, effective_on, today, upload=None,
                      upload_dir=None, max_bytes=None, note=None, task=None,
                      prerequisites=None, now=None):
    """Check a claim, then store its evidence file (if any) and record the claim."""
    check_claim(session, service, actor=actor, to_level=to_level, effective_on=effective_on,
                today=today, prerequisites=prerequisites)
    evidence = None
    if upload is not None and upload.filename:
        evidence = files.save_upload(session, upload, actor=actor, upload_dir=upload_dir,
                                     max_bytes=max_bytes, task=task, service=service)
    return claim_level(session, service, actor=actor, to_level=to_level,
                       effective_on=effective_on, today=today, note=note, evidence=evidence,
                       task=task, prerequisites=prerequisites, now=now)


def _claim_summary(service, change):
    return f"{service.code} · {change.from_level} → {change.to_level}"


def _check_reviewable(actor, change):
    if not permissions.can(actor, "claims.verify"):
        raise PermissionDenied(_("You may not verify level claims."))
    if not permissions.can(actor, "claims.decide", change):
        # Separation of duties: the claimant does not decide on their own claim.
        raise PermissionDenied(_("You made this claim, so you cannot verify or return it "
                                 "yourself; another person who may verify claims must do it."))
    if change.status != ClaimStatus.PENDING:
        raise DomainError(_("This claim is no longer awaiting verification."))


def _apply_prerequisites(session, service, change):
    ticked = change.prerequisites or {}
    for box, column in SERVICE_FLAGS.items():
        if ticked.get(box):
            setattr(service, column, True)


def verify_claim(session, change, *, actor, now):
    """Accept a pending claim; the service takes its level when it is the latest change.

    The progress of the tasks covering the service is the caller's to store: the task
    services' ``verify_claim`` does both.
    """
    _check_reviewable(actor, change)
    service = change.service
    change.status = ClaimStatus.VERIFIED
    change.verified_by_id = actor.id
    change.verified_at = now
    session.flush()
    latest = _latest_verified(session, service)
    before = service.level
    if latest is change:
        service.level = change.to_level
        if change.to_level == 4:
            _apply_prerequisites(session, service, change)
    audit.record(session, actor, "claim.verify", change, now=now, unit_id=service.unit_id,
                 summary=_claim_summary(service, change),
                 changes={"service_level": [before, service.level]})
    _tell_claimant(session, change, "claim_verified", "", actor=actor, now=now)
    return change


def return_claim(session, change, *, actor, reason, now):
    """Send a pending claim back to the claimant with a reason; the level does not change."""
    _check_reviewable(actor, change)
    reason = clean(reason)
    if not reason:
        raise DomainError(_("Say why the claim is returned."), field="reason")
    change.status = ClaimStatus.RETURNED
    change.return_reason = reason
    # verified_by/verified_at name whoever decided on the claim, returned or accepted.
    change.verified_by_id = actor.id
    change.verified_at = now
    session.flush()
    audit.record(session, actor, "claim.return", change, now=now,
                 unit_id=change.service.unit_id,
                 summary=_claim_summary(change.service, change), changes={"reason": reason})
    _tell_claimant(session, change, "claim_returned", reason, actor=actor, now=now)
    return change


def _tell_claimant(session, change, kind, reason, *, actor, now):
    # The claimant hears of the decision in the app, with the service and any reason.
    task = session.get(Task, change.task_id) if change.task_id else None
    note = f"{change.service.code} · {change.service.name}"
    notifications.notify(session, [change.claimed_by], kind=kind, task=task,
                         note=f"{note}\n{reason}" if reason else note, actor=actor, now=now,
                         unit=change.service.unit,
                         facts={"service": note, "service_id": change.service.id,
                                "level": change.to_level})
