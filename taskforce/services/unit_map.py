"""The map of a date: which unit each service belonged to, and which units existed, that day.

Every figure grouped by unit asks here, so that figures as of 2020 show the units of 2020
and a reorganisation moves no figure of the days before it. Without a reorganisation each
service's unit is its present one and every unit exists at every date: the figures are
exactly those of ``Service.unit_id``.
"""

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import aliased

from taskforce.models import Reorganisation, Service, ServiceUnit, Unit

# Made once: an alias costs more to build than the rest of the expression.
_SPAN = aliased(ServiceUnit, name="span")


def unit_of_service(as_of, service=Service):
    """The SQL expression of ``service``'s unit as of ``as_of``, to select, join and group by.

    Only a service that a reorganisation moved after ``as_of`` (or that one recorded will
    move, ``moved_after``) may have had another unit then: that of its latest span begun by
    ``as_of`` (before its first span, its first span's). The
    others, every service when nothing was reorganised, have their present unit, so the
    figures are exactly those of ``Service.unit_id``; the moved ones are found in one
    uncorrelated subquery, and only theirs read their spans.
    """
    moved = moved_after(as_of)
    span = _SPAN
    begun = span.started_on <= as_of
    then = (select(span.unit_id).where(span.service_id == service.id)
            .order_by(case((begun, 0), else_=1), case((begun, span.started_on)).desc(),
                      span.started_on, span.id.desc())
            .limit(1).scalar_subquery())
    return case((service.id.in_(moved), then), else_=service.unit_id)


def moved_after(as_of):
    """The ids of the services whose unit on ``as_of`` may not be their present one: those a
    reorganisation moved after that day, and those of a reorganisation recorded whose
    hand-over has not been made yet (from its date they count for their successor)."""
    pending = select(Reorganisation.id).where(Reorganisation.applied_at.is_(None))
    return (select(ServiceUnit.service_id)
            .where(ServiceUnit.reorganisation_id.is_not(None),
                   or_(ServiceUnit.started_on > as_of,
                       ServiceUnit.reorganisation_id.in_(pending))))


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
