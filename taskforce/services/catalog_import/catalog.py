"""Import of the service catalog: new services with their level, changed details and levels."""

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskforce.models import ClaimStatus, LevelChange, LevelSource, Service, Tier, Unit, UnitKind
from taskforce.services import audit
from taskforce.services.catalog_import.sheets import (
    chunks,
    services_by_code,
    start_plan,
    unit_finder,
)
from taskforce.services.errors import DomainError
from taskforce.services.online_classes import names_class_of
from taskforce.services.spreadsheets import (
    NO,
    YES,
    CellError,
    parse_cells,
    parse_date,
    parse_level,
    text,
    yes_or_no,
)
from taskforce.services.text import fold

CATALOG_COLUMNS = ("code", "name", "unit", "level")
LONG_NAMES = {"code": "Mã thủ tục", "name": "Tên thủ tục", "field": "Lĩnh vực"}
TIERS = {
    "tinh": Tier.PROVINCE, "province": Tier.PROVINCE, "provincial": Tier.PROVINCE,
    "huyen": Tier.DISTRICT, "district": Tier.DISTRICT,
    "xa": Tier.COMMUNE, "commune": Tier.COMMUNE,
}
TIER_OF_KIND = {UnitKind.DISTRICT: Tier.DISTRICT, UnitKind.CITY: Tier.DISTRICT,
                UnitKind.COMMUNE: Tier.COMMUNE}
FEE_YES = YES | {"co thu phi", "co phi"}
FEE_NO = NO | {"khong thu phi", "mien phi"}


@dataclass
class Addition:
    """A service the file adds to the catalog."""

    row: int
    code: str
    name: str
    field: str | None
    unit: Unit
    tier: str
    has_fee: bool
    level: int
    level_on: date | None


@dataclass
class Change:
    """An existing service the file changes: some details and perhaps its level."""

    row: int
    service: Service
    updates: dict
    level: int | None = None
    level_on: date | None = None


# Reading a row -------------------------------------------------------------------------------

def parse_fee(value):
    """Whether a fee is charged: Có / x / 1 / yes, Không / 0 / no / blank, or an amount."""
    charged = yes_or_no(value, yes=FEE_YES, no=FEE_NO)
    if charged is not None:
        return charged
    digits = re.sub(r"\D", "", fold(text(value)))
    if digits:
        return int(digits) > 0
    raise CellError(_("The fee column says \"%(value)s\": write Có or Không.",
                      value=text(value)))


def parse_tier(value):
    """The tier (province, district, commune) from "Cấp tỉnh", "Huyện", "commune"...; or None."""
    folded = fold(text(value))
    if not folded:
        return None
    folded = re.sub(r"^cap\s+", "", folded)
    folded = re.sub(r"\s+level$", "", folded)
    if folded in TIERS:
        return TIERS[folded]
    raise CellError(_("The tier \"%(value)s\" is not understood (write Cấp tỉnh, Cấp huyện or "
                      "Cấp xã).", value=text(value)))


def _catalog_values(row, find_unit, today):
    """The row's parsed values, or raise CellError listing every problem of the row."""
    values, problems = row.values, list(row.problems.values())
    parsed = {"code": text(values.get("code")), "name": text(values.get("name")),
              "field": text(values.get("field")) or None}
    unit_text = text(values.get("unit"))
    for key, message, limit in (
        ("code", _("The code (Mã thủ tục) is missing."), 60),
        ("name", _("The name (Tên thủ tục) is missing."), 500),
        ("field", None, 200),
    ):
        if key in row.problems:
            continue
        if message and not parsed[key]:
            problems.append(message)
        elif parsed[key] and len(parsed[key]) > limit:
            problems.append(_("The value under %(column)s is longer than %(count)s characters.",
                              column=LONG_NAMES[key], count=limit))
    parsed["unit"] = find_unit(unit_text) if unit_text else None
    if not unit_text and "unit" not in row.problems:
        problems.append(_("The unit (Cơ quan thực hiện) is missing."))
    elif unit_text and parsed["unit"] is None:
        problems.append(_("Unknown unit \"%(unit)s\": no unit has this name or code.",
                          unit=unit_text))
    cells, cell_problems = parse_cells(row, (
        ("level", "level", lambda: parse_level(values.get("level"))),
        ("level_on", "level_on", lambda: parse_date(values.get("level_on"), today=today,
                                                    label=_("The level date"))),
        ("tier", "tier", lambda: parse_tier(values.get("tier"))),
        ("has_fee", "fee", lambda: parse_fee(values.get("fee")) if "fee" in values else None),
    ))
    parsed.update(cells)
    problems += cell_problems
    if problems:
        raise CellError(*problems)
    return parsed


def _catalog_entry(row, parsed, service, today):
    """An Addition, a Change, or None when the service already matches the row."""
    unit = parsed["unit"]
    if service is None:
        return Addition(row=row.number, code=parsed["code"], name=parsed["name"],
                        field=parsed["field"], unit=unit,
                        tier=parsed["tier"] or TIER_OF_KIND.get(unit.kind, Tier.PROVINCE),
                        has_fee=bool(parsed["has_fee"]), level=parsed["level"],
                        level_on=parsed["level_on"])
    updates = {}
    for key in ("name", "field", "tier", "has_fee"):
        new = parsed[key]
        if new is not None and new != getattr(service, key):
            updates[key] = (getattr(service, key), new)
    change = Change(row=row.number, service=service, updates=updates)
    if not names_class_of(row.values.get("level"), service.level):
        change.level = parsed["level"]
        change.level_on = parsed["level_on"] or today
    return change if (updates or change.level is not None) else None


def _repeated(row, find_unit, seen):
    """A message when the row's code and unit were on an earlier row (even a faulty one)."""
    code, unit_text = text(row.values.get("code")), text(row.values.get("unit"))
    unit = find_unit(unit_text) if code and unit_text else None
    if unit is None:
        return []
    first = seen.setdefault((code, unit.id), row.number)
    if first == row.number:
        return []
    return [_("The code %(code)s for %(unit)s is already on row %(row)s.", code=code,
              unit=unit.name, row=first)]


# Planning ------------------------------------------------------------------------------------

def _with_pending(session, service_ids):
    found = set()
    for chunk in chunks(service_ids):
        found.update(session.scalars(
            select(LevelChange.service_id).where(LevelChange.service_id.in_(chunk),
                                                 LevelChange.status == ClaimStatus.PENDING)))
    return found


def plan_catalog_import(session, data, filename="", *, today, verified=True):
    """Read a catalog file and say what it would add and change; write nothing."""
    plan, rows = start_plan(data, filename, "catalog", CATALOG_COLUMNS)
    find_unit = unit_finder(session)
    existing = services_by_code(session, {text(r.values.get("code")) for r in rows})
    pending = set() if verified else _with_pending(
        session, [s.id for services in existing.values() for s in services])
    seen = {}
    for row in rows:
        repeated = _repeated(row, find_unit, seen)
        try:
            parsed = _catalog_values(row, find_unit, today)
        except CellError as error:
            plan.errors.add(row, *error.args, *repeated)
            continue
        if repeated:
            plan.errors.add(row, *repeated)
            continue
        service = next((s for s in existing.get(parsed["code"], ())
                        if s.unit_id == parsed["unit"].id), None)
        entry = _catalog_entry(row, parsed, service, today)
        if entry is None:
            plan.unchanged += 1
        elif isinstance(entry, Addition):
            plan.additions.append(entry)
        elif entry.level is not None and service.id in pending:
            plan.errors.add(row, _(
                "The service %(code)s already has a level claim awaiting verification; verify "
                "or return it first.", code=service.code))
        else:
            plan.changes.append(entry)
    return plan


# Writing -------------------------------------------------------------------------------------

def _latest_verified_on(session, service_ids):
    latest = {}
    for chunk in chunks(service_ids):
        latest.update(session.execute(
            select(LevelChange.service_id, func.max(LevelChange.effective_on))
            .where(LevelChange.service_id.in_(chunk), LevelChange.status == ClaimStatus.VERIFIED)
            .group_by(LevelChange.service_id)).tuples().all())
    return latest


# The lowest level that the figures count (partial, then full online): a new service listed
# at it or above is, like a level change, the importer's claim when a second check is due.
COUNTED_LEVEL = 3


def _add_services(session, plan, *, actor_id, verified, today, now):
    services = []
    for addition in plan.additions:
        # Until its claim is verified, a service's level is the highest one not counted.
        trusted = verified or addition.level < COUNTED_LEVEL
        service = Service(code=addition.code, name=addition.name, name_key=fold(addition.name),
                          field=addition.field, unit_id=addition.unit.id, tier=addition.tier,
                          has_fee=addition.has_fee,
                          level=addition.level if trusted else COUNTED_LEVEL - 1)
        session.add(service)
        services.append(service)
    session.flush()
    for addition, service in zip(plan.additions, services, strict=True):
        trusted = verified or addition.level < COUNTED_LEVEL
        session.add(LevelChange(
            service_id=service.id, from_level=None, to_level=addition.level,
            effective_on=addition.level_on or today,
            status=ClaimStatus.VERIFIED if trusted else ClaimStatus.PENDING,
            source=LevelSource.INITIAL, claimed_by_id=actor_id, claimed_at=now,
            verified_by_id=actor_id if trusted else None, verified_at=now if trusted else None))


def _change_level(session, change, *, actor_id, verified, now, latest_on):
    service = change.service
    level_change = LevelChange(
        service_id=service.id, from_level=service.level, to_level=change.level,
        effective_on=change.level_on, source=LevelSource.IMPORT, claimed_by_id=actor_id,
        claimed_at=now,
        status=ClaimStatus.VERIFIED if verified else ClaimStatus.PENDING)
    if verified:
        level_change.verified_by_id = actor_id
        level_change.verified_at = now
        # The service's level is its latest verified change; an older date is history only.
        if latest_on is None or latest_on <= change.level_on:
            service.level = change.level
    session.add(level_change)


def apply_catalog_import(session, plan, *, actor, verified, today, now):
    """Write a plan without errors: new services with their level, changes, level changes."""
    if not plan.ok:
        raise DomainError(_("The file has errors, so nothing was imported."), field="file")
    actor_id = getattr(actor, "id", None)
    try:
        _add_services(session, plan, actor_id=actor_id, verified=verified, today=today,
                      now=now)
        latest = _latest_verified_on(
            session, [c.service.id for c in plan.changes if c.level is not None])
        for change in plan.changes:
            for key, (_old, new) in change.updates.items():
                setattr(change.service, key, new)
            if "name" in change.updates:
                change.service.name_key = fold(change.service.name)
            if change.level is not None:
                _change_level(session, change, actor_id=actor_id, verified=verified, now=now,
                              latest_on=latest.get(change.service.id))
        counts = {"added": len(plan.additions), "updated": len(plan.changes),
                  "level_changes": sum(c.level is not None for c in plan.changes),
                  "verified": bool(verified)}
        audit.record(session, actor, "catalog.import", None, now=now, changes=counts,
                     summary=_("%(file)s: %(added)s added, %(updated)s updated.",
                               file=plan.filename, added=counts["added"],
                               updated=counts["updated"]))
        session.flush()
    except IntegrityError:
        raise DomainError(_("The catalog changed while importing; nothing was imported. "
                            "Try again."), field="file") from None
    return counts
