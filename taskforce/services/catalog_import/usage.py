"""Import of monthly usage figures: one row per service and month, added or replaced."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from taskforce.models import Service, ServiceUsage
from taskforce.services import audit
from taskforce.services.catalog_import.sheets import (
    ImportPlan,
    chunks,
    services_by_code,
    start_plan,
    unit_finder,
)
from taskforce.services.errors import DomainError
from taskforce.services.spreadsheets import (
    CellError,
    Row,
    parse_cells,
    parse_count,
    parse_month,
    text,
)

USAGE_COLUMNS = ("month", "code", "total", "online")


@dataclass
class Figures:
    """A service's usage figures for one month, new or replacing ``existing``."""

    row: int
    service: Service
    month: date
    total: int
    online: int
    paid_online: int
    # None when the sheet does not give it: the figure kept in the catalog stays.
    digitised: int | None = None
    existing: ServiceUsage | None = None

    def differs_from(self, usage):
        """Whether the row changes what ``usage`` holds."""
        digitised = usage.dossiers_digitised if self.digitised is None else self.digitised
        return (usage.dossiers_total, usage.dossiers_online, usage.dossiers_paid_online,
                usage.dossiers_digitised) != (self.total, self.online, self.paid_online,
                                              digitised)


def _usage_values(row, find_unit, services, today):
    """The row's parsed values, or raise CellError listing every problem of the row."""
    values = row.values
    parsed, problems = parse_cells(row, (
        ("month", "month", lambda: parse_month(values.get("month"), today=today)),
        ("total", "total", lambda: parse_count(values.get("total"), label=_("The total"))),
        ("online", "online", lambda: parse_count(values.get("online") or 0,
                                                 label=_("Online dossiers"))),
        ("paid_online", "paid_online", lambda: parse_count(values.get("paid_online") or 0,
                                                           label=_("Dossiers paid online"))),
        ("digitised", "digitised", lambda: _digitised(values.get("digitised"))),
        ("service", "code", lambda: _usage_service(values, find_unit, services)),
    ))
    problems = list(row.problems.values()) + problems
    if "total" in parsed and "online" in parsed and parsed["online"] > parsed["total"]:
        problems.append(_("Online dossiers (%(online)s) cannot be more than the total "
                          "(%(total)s).", online=parsed["online"], total=parsed["total"]))
    if "online" in parsed and "paid_online" in parsed \
            and parsed["paid_online"] > parsed["online"]:
        problems.append(_("Dossiers paid online (%(paid)s) cannot be more than the online "
                          "dossiers (%(online)s).", paid=parsed["paid_online"],
                          online=parsed["online"]))
    if parsed.get("digitised") is not None and "total" in parsed \
            and parsed["digitised"] > parsed["total"]:
        problems.append(_("Digitised dossiers (%(digitised)s) cannot be more than the total "
                          "(%(total)s).", digitised=parsed["digitised"], total=parsed["total"]))
    if problems:
        raise CellError(*problems)
    return parsed


def _digitised(value):
    # A blank cell, or no such column, means the sheet does not give the figure: not 0.
    if text(value) == "":
        return None
    return parse_count(value, label=_("Digitised dossiers"))


def _usage_service(values, find_unit, services):
    code, unit_text = text(values.get("code")), text(values.get("unit"))
    if not code:
        raise CellError(_("The code (Mã thủ tục) is missing."))
    candidates = services.get(code, [])
    if unit_text:
        unit = find_unit(unit_text)
        if unit is None:
            raise CellError(_("Unknown unit \"%(unit)s\": no unit has this name or code.",
                              unit=unit_text))
        candidates = [s for s in candidates if s.unit_id == unit.id]
    if not candidates:
        raise CellError(_("No service in the catalog has the code %(code)s.", code=code) if not
                        unit_text else _("No service of %(unit)s has the code %(code)s.",
                                         unit=unit_text, code=code))
    if len(candidates) > 1:
        raise CellError(_("Several units have a service with the code %(code)s (%(units)s): "
                          "add the unit column.", code=code,
                          units=", ".join(s.unit.name for s in candidates)))
    return candidates[0]


def _existing_usage(session, figures):
    months = {f.month for f in figures}
    found = {}
    for chunk in chunks({f.service.id for f in figures}):
        for usage in session.scalars(select(ServiceUsage).where(
                ServiceUsage.service_id.in_(chunk), ServiceUsage.month.in_(months))):
            found[(usage.service_id, usage.month)] = usage
    return found


def _classify_usage(plan, figures, existing):
    for entry in figures:
        entry.existing = existing.get((entry.service.id, entry.month))
        if entry.existing is None:
            plan.additions.append(entry)
        elif entry.differs_from(entry.existing):
            plan.changes.append(entry)
        else:
            plan.unchanged += 1


def plan_usage_import(session, data, filename="", *, today):
    """Read a usage file (month, code, dossiers) and say what it would add or replace."""
    plan, rows = start_plan(data, filename, "usage", USAGE_COLUMNS)
    return _plan_rows(session, plan, rows, today)


def plan_usage_records(session, records, source, *, today):
    """Say what ``records`` would add or replace: dicts of a file's columns (month, code,
    unit, total, online, paid_online, digitised), numbered from 1 as a sheet's rows are.

    The same checks as a file's rows (the one-stop system's push through the API).
    """
    plan = ImportPlan(kind="usage", filename=source, header_row=0, rows=len(records))
    rows = [Row(number=n, values=dict(values)) for n, values in enumerate(records, start=1)]
    return _plan_rows(session, plan, rows, today)


def _plan_rows(session, plan, rows, today):
    find_unit = unit_finder(session)
    services = services_by_code(session, {text(r.values.get("code")) for r in rows})
    figures, seen = [], {}
    for row in rows:
        try:
            parsed = _usage_values(row, find_unit, services, today)
        except CellError as error:
            plan.errors.add(row, *error.args)
            continue
        key = (parsed["service"].id, parsed["month"])
        if key in seen:
            plan.errors.add(row, _(
                "The figures of %(code)s for %(month)s are already on row %(row)s.",
                code=parsed["service"].code, month=parsed["month"].strftime("%m/%Y"),
                row=seen[key]))
            continue
        seen[key] = row.number
        figures.append(Figures(row=row.number, service=parsed["service"], month=parsed["month"],
                               total=parsed["total"], online=parsed["online"],
                               paid_online=parsed["paid_online"],
                               digitised=parsed["digitised"]))
    _classify_usage(plan, figures, _existing_usage(session, figures) if figures else {})
    return plan


def apply_usage_import(session, plan, *, actor, now):
    """Write a usage plan without errors: one row per service and month, added or replaced."""
    if not plan.ok:
        raise DomainError(_("The file has errors, so nothing was imported."), field="file")
    for entry in plan.additions:
        session.add(ServiceUsage(service_id=entry.service.id, month=entry.month,
                                 dossiers_total=entry.total, dossiers_online=entry.online,
                                 dossiers_paid_online=entry.paid_online,
                                 dossiers_digitised=entry.digitised))
    for entry in plan.changes:
        entry.existing.dossiers_total = entry.total
        entry.existing.dossiers_online = entry.online
        entry.existing.dossiers_paid_online = entry.paid_online
        if entry.digitised is not None:
            entry.existing.dossiers_digitised = entry.digitised
    counts = {"added": len(plan.additions), "updated": len(plan.changes)}
    audit.record(session, actor, "usage.import", None, now=now, changes=counts,
                 summary=_("%(file)s: %(added)s added, %(updated)s updated.",
                           file=plan.filename, added=counts["added"], updated=counts["updated"]))
    try:
        session.flush()
    except IntegrityError:
        raise DomainError(_("The usage figures changed while importing; nothing was "
                            "imported. Try again."), field="file") from None
    return counts


def month_usage(session, unit, month):
    """The usage figures of ``unit``'s services for ``month``, by service code."""
    return session.execute(
        select(Service, ServiceUsage).join(ServiceUsage, ServiceUsage.service_id == Service.id)
        .where(Service.unit_id == unit.id, ServiceUsage.month == month)
        .order_by(Service.code, Service.id)).all()
