"""The map of a date: which unit each service belonged to, and which units existed, that day.

Every figure grouped by unit asks here, so that figures as of 2020 show the units of 2020
and a reorganisation moves no figure of the days before it. Without a reorganisation each
service's unit is its present one and every unit exists at every date: the figures are
exactly those of ``Service.unit_id``.
"""

from sqlalchemy import and_, case, func, or_, select

from taskforce.models import Service, ServiceUnit, Unit


def services_units(as_of):
    """A subquery (service_id, unit_id): the unit of every service as of ``as_of``.

    A service's unit is that of its latest span begun by ``as_of``; before its first span
    (a history recorded after the fact), its first span's; without spans (a service added
    since, never moved), its present unit.
    """
    begun = ServiceUnit.started_on <= as_of
    ranked = (
        select(ServiceUnit.service_id, ServiceUnit.unit_id,
               func.row_number().over(
                   partition_by=ServiceUnit.service_id,
                   order_by=(case((begun, 0), else_=1),
                             case((begun, ServiceUnit.started_on)).desc(),
                             ServiceUnit.started_on, ServiceUnit.id.desc()),
               ).label("rn"))
        .subquery()
    )
    # "rn < 2" rather than "rn = 1", as in kpi.levels_as_of: PostgreSQL's estimate of it
    # leads to hash joins.
    spans = select(ranked.c.service_id, ranked.c.unit_id).where(ranked.c.rn < 2).subquery()
    return (select(Service.id.label("service_id"),
                   func.coalesce(spans.c.unit_id, Service.unit_id).label("unit_id"))
            .outerjoin(spans, spans.c.service_id == Service.id)
            .subquery("services_units"))


def unit_exists(as_of, unit=Unit):
    """The SQL condition that ``unit`` existed on ``as_of`` and counts in the figures.

    An active unit within its dates; an ended one too on the days it lived (a unit that a
    reorganisation ended is inactive today, not in its past).
    """
    return and_(
        or_(unit.active.is_(True), unit.ended_on.is_not(None)),
        or_(unit.started_on.is_(None), unit.started_on <= as_of),
        or_(unit.ended_on.is_(None), unit.ended_on >= as_of),
    )


def members_on(unit, on):
    """The ids of the services that belonged to ``unit`` on ``on``, as a subquery.

    Asked for a day before the unit began, it answers with the services it began with, so
    that a successor's past is the sum of its predecessors'.
    """
    if unit.started_on is not None and on < unit.started_on:
        on = unit.started_on
    mapped = services_units(on)
    return select(mapped.c.service_id).where(mapped.c.unit_id == unit.id)
