"""Best next steps for an indicator: what would move it most, ranked.

- For a share of services at a class: the units that drag the figure most, by the services
  they still lack to reach the target (and how many points of the province figure that is).
- For a use-based indicator (dossiers online, paid online, digitised, effectiveness): the
  services to bring to full online first, by the dossiers they receive that are not yet
  submitted online, so that one upgrade moves the most dossiers.
"""

import math
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from taskforce.models import ClaimStatus, Service, ServiceUsage, Unit
from taskforce.services import kpi, measures

LIMIT = 10
FULL_ONLINE = 4


@dataclass(frozen=True)
class UnitStep:
    """A unit and the services it still lacks at the class to reach the target."""

    unit_id: int
    name: str
    services: int
    at_class: int
    share: float
    needed: int  # services to bring to the class to reach the target
    points: float  # what that adds to the province figure, in share units


@dataclass(frozen=True)
class ServiceStep:
    """A service not yet full online and the dossiers an upgrade would bring online."""

    service_id: int
    code: str
    name: str
    unit: str
    level: int | None
    dossiers: int
    offline: int  # dossiers of the window not submitted online
    points: float | None  # their share of every dossier of the window


def units_to_push(result, units, target, limit=LIMIT):
    """The units ranked by the services they lack to reach ``target``, most first.

    ``result`` a share-of-services measure's Result, ``units`` ``[(id, name)]``. A unit at or
    above the target is left out.
    """
    total = result.overall.denominator if result.overall else 0
    steps = []
    for unit_id, name in units:
        value = result.units.get(unit_id)
        if value is None:
            continue
        needed = max(0, math.ceil(target * value.denominator - value.numerator - 1e-9))
        if needed:
            steps.append(UnitStep(unit_id, name, int(value.denominator), int(value.numerator),
                                  value.share, needed, needed / total if total else 0.0))
    steps.sort(key=lambda step: (-step.needed, step.share, step.name))
    return steps[:limit]


def services_to_upgrade(session, as_of, months=12, limit=LIMIT):
    """Services below full online that received dossiers in the window of ``months`` ending
    with ``as_of``, ranked by the dossiers not submitted online (one query, and one for the
    province's total)."""
    verified = kpi.levels_as_of(as_of, [ClaimStatus.VERIFIED])
    start = measures.window_start(as_of, months)
    total = func.sum(ServiceUsage.dossiers_total)
    offline = total - func.sum(ServiceUsage.dossiers_online)
    query = (select(Service.id, Service.code, Service.name, Unit.name.label("unit"),
                    verified.c.level, total.label("dossiers"), offline.label("offline"))
             .join(ServiceUsage, ServiceUsage.service_id == Service.id)
             .join(Unit, Unit.id == Service.unit_id)
             .outerjoin(verified, verified.c.service_id == Service.id)
             .where(Service.active.is_(True), Unit.active.is_(True),
                    ServiceUsage.month >= start, ServiceUsage.month <= as_of,
                    or_(verified.c.level.is_(None), verified.c.level < FULL_ONLINE))
             .group_by(Service.id, Service.code, Service.name, Unit.name, verified.c.level)
             .having(offline > 0)
             .order_by(offline.desc(), Service.code, Service.id).limit(limit))
    overall = measures.compute(session, "online_dossiers", as_of, {"months": months}).overall
    every = overall.denominator if overall else 0
    return [ServiceStep(row.id, row.code, row.name, row.unit, row.level, int(row.dossiers),
                        int(row.offline), row.offline / every if every else None)
            for row in session.execute(query)]


def for_indicator(session, report_item, as_of, units, limit=LIMIT):
    """``("units", [UnitStep])`` for a share of services, ``("services", [ServiceStep])`` for
    a use-based indicator; ``units`` the active units ``[(id, name)]`` in order."""
    indicator = report_item.indicator
    params = measures.check_params(indicator.measure, indicator.params or {})
    if indicator.measure == "share_at_class":
        result = measures.compute(session, indicator.measure, as_of, params)
        return "units", units_to_push(result, units, report_item.target, limit)
    return "services", services_to_upgrade(session, as_of, params.get("months", 12), limit)


def for_plan(session, report, limit=LIMIT):
    """The next steps of each indicator of a plan's ``report``, in its order."""
    units = session.execute(select(Unit.id, Unit.name).where(Unit.active.is_(True))
                            .order_by(Unit.display_order, Unit.name)).all()
    return [for_indicator(session, item, report.as_of, units, limit)
            for item in report.indicators]
