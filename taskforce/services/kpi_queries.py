"""The SQL of the key figures: each service's level as of a date, the unit it counts for,
and each unit's counts. ``kpi`` reads them (and re-exports these names), ``kpi_store`` writes
its month-end rows with them: one definition of each figure.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.orm import aliased

from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Unit
from taskforce.services import unit_map

COUNTS = ("services", "level3", "level4", "level4_verified", "effective4")
# Stored beside the counts for the effectiveness measure, not part of kpi's figures: the
# services verified at level 4 of a unit that has usage imported in the window (else 0).
REPORTED = "level4_reported"
STORED = (*COUNTS, REPORTED)


def levels_as_of(as_of, statuses, services=None):
    """A subquery (service_id, level) of each service's latest change by ``as_of``.

    ``services``, a subquery of service ids, limits the history read to those services.
    """
    ranked = (
        select(
            LevelChange.service_id,
            LevelChange.to_level.label("level"),
            func.row_number()
            .over(
                partition_by=LevelChange.service_id,
                order_by=(LevelChange.effective_on.desc(), LevelChange.id.desc()),
            )
            .label("rn"),
        )
        .where(LevelChange.effective_on <= as_of, LevelChange.status.in_(statuses),
               *_among(LevelChange.service_id, services))
        .subquery()
    )
    # "rn < 2", not "rn = 1": PostgreSQL guesses that an equality keeps 0.5 % of the rows,
    # plans nested loops for a handful of services and compares every service with every
    # other one; an inequality is guessed at a third, close enough for hash joins.
    return select(ranked.c.service_id, ranked.c.level).where(ranked.c.rn < 2).subquery()


def _among(column, services):
    return () if services is None else (column.in_(services),)


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counted_unit(as_of):
    """The unit a service's figures count for as of ``as_of``: the one place that says it
    (the figures, the trend and the stored month-end rows all group by it): its unit on that
    date (``unit_map``), its present one for the trend (``as_of`` None), whose province totals
    a reorganisation leaves alone."""
    return Service.unit_id if as_of is None else unit_map.unit_of_service(as_of)


def effective_window(as_of):
    """The first day of the three months of usage that make a level-4 service effective."""
    return date(as_of.year, as_of.month, 1) - relativedelta(months=2)


# The service of a usage probe, made once (an alias costs more to build than the probe).
_PROBED = aliased(Service, name="probed")


def has_usage(as_of, unit_id, start):
    """The SQL condition that some active service counted for ``unit_id`` on ``as_of`` has
    usage imported from ``start`` to ``as_of``: what the use-based measures call having data.

    Asked as two probes that stop at the first row found: the services of the unit that
    stayed in it (by the index of the services' unit), then those a reorganisation moved
    after ``as_of`` (none without one). Scalar subqueries with LIMIT, not EXISTS, which
    PostgreSQL turns into a join over the whole usage."""
    moved = unit_map.moved_after(as_of)
    window = (ServiceUsage.month >= start, ServiceUsage.month <= as_of)

    def probe(conditions):
        service = _PROBED
        return (select(ServiceUsage.id).join(service, service.id == ServiceUsage.service_id)
                .where(service.active.is_(True), *window, *conditions(service))
                .limit(1).scalar_subquery())
    stayed = probe(lambda s: (s.unit_id == unit_id, s.id.not_in(moved)))
    moved_in = probe(lambda s: (s.id.in_(moved), unit_map.unit_of_service(as_of, s) == unit_id))
    return func.coalesce(stayed, moved_in).is_not(None)


def figures_query(as_of, units=None, services=None, reported=False):
    """Each unit's counts (``COUNTS``) as of ``as_of``; ``units``, ids, limits it to those,
    and ``services``, their services' ids if known, lets it read only their history. With
    ``reported`` the stored ``REPORTED`` figure too."""
    unit = counted_unit(as_of)
    if services is None and units is not None:
        services = select(Service.id).where(unit.in_(units))
    verified = levels_as_of(as_of, [ClaimStatus.VERIFIED], services)
    claimed = levels_as_of(as_of, [ClaimStatus.VERIFIED, ClaimStatus.PENDING], services)
    window_start = effective_window(as_of)
    used = (
        select(ServiceUsage.service_id)
        .where(ServiceUsage.month >= window_start, ServiceUsage.month <= as_of,
               # Written out, not bound: SQLite uses a partial index only for its very term.
               ServiceUsage.dossiers_online > literal_column("0"),
               *_among(ServiceUsage.service_id, services))
        .group_by(ServiceUsage.service_id)
        .subquery()
    )
    is4v = verified.c.level == 4
    counts = (
        select(
            unit.label("unit_id"),
            func.count(Service.id).label("services"),
            _count(verified.c.level == 3).label("level3"),
            _count(claimed.c.level == 4).label("level4"),
            _count(is4v).label("level4_verified"),
            _count(and_(is4v, used.c.service_id.is_not(None))).label("effective4"),
        )
        .join(verified, verified.c.service_id == Service.id)
        .join(Unit, Unit.id == unit)
        .outerjoin(claimed, claimed.c.service_id == Service.id)
        .outerjoin(used, used.c.service_id == Service.id)
        .where(Service.active.is_(True), unit_map.unit_exists(as_of),
               *_among(Service.id, services), *_among(unit, units))
        .group_by(unit)
    )
    if not reported:
        return counts
    # A unit with an effective service has data; one without verified level-4 services
    # counts nothing either way: only the others are asked.
    found = counts.subquery("unit_counts")
    return select(*found.c, case(
        (found.c.effective4 > 0, found.c.level4_verified),
        (found.c.level4_verified == 0, 0),
        (has_usage(as_of, found.c.unit_id, window_start), found.c.level4_verified),
        else_=0).label(REPORTED))
