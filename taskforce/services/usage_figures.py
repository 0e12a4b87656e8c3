"""The monthly usage read once for every use-based measure.

At national size the usage holds a million rows (130,000 services, twelve months): a measure
that scans it costs a few hundred milliseconds, and a plan asks for several. So:

- the three dossier measures (online, paid online among services with a fee, digitised) are
  counted together: one statement gives each month's six sums for the province, another each
  unit's sums over a window; a computation that asks for several dossier measures (a plan's
  figures) passes the same ``shared`` dict to each, so the usage is read once, and every
  dossier measure's series and per-unit values are added up from those sums in Python;
- those sums are kept between requests under the usage stamp (``kpi_cache``), which a claim,
  a verification or a return does not replace: after the changes of every day they are not
  read again;
- effectiveness at level 4 over three months, the default, is kpi's effective services over
  the stored ``level4_reported`` (``kpi_store``), written in the transaction of each change;
- with other parameters, effectiveness's series reads the months with online dossiers once,
  from their partial index: each service's months as a bit mask (one bit a month), so a point
  of the series asks "does the service's mask meet the window's?" instead of searching the
  usage again for every service and every point; whether a unit has data is asked once per
  unit and point.

The figures are those of the plain SQL of ``services.measures``, sum for sum.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    BigInteger,
    Date,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Unit
from taskforce.services import kpi, kpi_cache, kpi_store, unit_map

# (numerator, denominator) of each dossier measure among the six sums.
DOSSIER_SUMS = {
    "online_dossiers": ("online", "total"),
    "paid_online": ("paid_fee", "total_fee"),
    "digitised": ("digitised", "total_digitised"),
}
SUMS = ("online", "total", "paid_fee", "total_fee", "digitised", "total_digitised")
# A mask holds at most this many months (one bit each, in a signed 64-bit integer); a longer
# series is read in several statements.
MASK_MONTHS = 60


def _first(day):
    return date(day.year, day.month, 1)


def window_start(as_of, months):
    """The first day of the window of ``months`` months that ends with ``as_of``'s month."""
    return _first(as_of) - relativedelta(months=months - 1)


def _sums():
    total = ServiceUsage.dossiers_total
    fee = Service.has_fee.is_(True)
    return (
        func.sum(ServiceUsage.dossiers_online).label("online"),
        func.sum(total).label("total"),
        func.sum(case((fee, ServiceUsage.dossiers_paid_online), else_=0)).label("paid_fee"),
        func.sum(case((fee, total), else_=0)).label("total_fee"),
        # SUM leaves out the months without a digitised figure, as the measure does.
        func.sum(ServiceUsage.dossiers_digitised).label("digitised"),
        func.sum(case((ServiceUsage.dossiers_digitised.is_not(None), total), else_=0))
        .label("total_digitised"),
    )


def _of_active(query):
    return (query.select_from(ServiceUsage)
            .join(Service, Service.id == ServiceUsage.service_id)
            .join(Unit, Unit.id == Service.unit_id)
            .where(Service.active.is_(True), Unit.active.is_(True)))


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _numbers(row):
    return tuple(int(row._mapping[key] or 0) for key in SUMS)


def _once(session, shared, key, count):
    """``count()`` once per computation (``shared``), and kept between requests under the
    usage stamp, which a change of levels alone does not replace (``kpi_cache``)."""
    if key not in shared:
        shared[key] = kpi_cache.cached(session, ("usage",) + key, count,
                                       stamp_key=kpi_cache.USAGE_STAMP_KEY)
    return shared[key]


def month_sums(session, first, last, shared):
    """``{month: six sums}`` of the active services' usage from ``first`` to ``last``.

    A wider range asked for before in ``shared`` is reused rather than read again."""
    for (kind, *bounds), sums in shared.items():
        if kind == "months" and bounds[0] <= first and last <= bounds[1]:
            return {month: row for month, row in sums.items() if first <= month <= last}

    def count():
        query = (_of_active(select(ServiceUsage.month, *_sums()))
                 .where(ServiceUsage.month >= first, ServiceUsage.month <= last)
                 .group_by(ServiceUsage.month))
        return {_as_date(row.month): _numbers(row) for row in session.execute(query)}
    return _once(session, shared, ("months", first, last), count)


def unit_sums(session, as_of, months, shared):
    """``{unit_id: six sums}`` of each active unit's usage in the window ending at ``as_of``."""
    def count():
        # Grouped by the unit each service had on ``as_of`` (kpi.counted_unit).
        unit = kpi.counted_unit(as_of)
        query = (select(unit.label("unit_id"), *_sums()).select_from(ServiceUsage)
                 .join(Service, Service.id == ServiceUsage.service_id)
                 .join(Unit, Unit.id == unit)
                 .where(Service.active.is_(True), unit_map.unit_exists(as_of),
                        ServiceUsage.month >= window_start(as_of, months),
                        ServiceUsage.month <= as_of)
                 .group_by(unit))
        return {row.unit_id: _numbers(row) for row in session.execute(query)}
    return _once(session, shared, ("units", as_of, months), count)


def _pair(name, sums):
    numerator, denominator = DOSSIER_SUMS[name]
    return sums[SUMS.index(numerator)], sums[SUMS.index(denominator)]


def dossier_units(name):
    """The ``unit_rows`` of a dossier measure: ``{unit_id: (numerator, denominator)}``."""
    def unit_rows(session, as_of, shared, *, months):
        return {unit_id: _pair(name, sums)
                for unit_id, sums in unit_sums(session, as_of, months, shared).items()}
    return unit_rows


def dossier_series(name):
    """The ``series_rows`` of a dossier measure: ``{month_end: (numerator, denominator)}``,
    a point only where some month of its window has usage."""
    def series_rows(session, ends, shared, *, months):
        by_month = month_sums(session, window_start(min(ends), months), max(ends), shared)
        found = {}
        for end in ends:
            start = window_start(end, months)
            inside = [_pair(name, sums) for month, sums in by_month.items()
                      if start <= month <= end]
            if inside:
                found[end] = (sum(n for n, _d in inside), sum(d for _n, d in inside))
        return found
    return series_rows


# effectiveness ----------------------------------------------------------------------------------

def _months(first, last):
    months, month = [], _first(first)
    while month <= last:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _chunks(ends, months):
    """``ends`` in groups whose months (their windows included) fit in one mask."""
    chunk = []
    for end in sorted(ends):
        if chunk and len(_months(window_start(chunk[0], months), end)) > MASK_MONTHS:
            yield chunk
            chunk = []
        chunk.append(end)
    if chunk:
        yield chunk


def _bit(column, months):
    """The bit of ``column``'s month among ``months`` (the usage is kept by first days)."""
    return case(*((column == month, literal(1 << index, BigInteger)) for index, month in
                  enumerate(months)), else_=literal(0, BigInteger))


def _spans_reaching(min_level):
    """kpi's verified spans (service, level, start, next change), of the services that ever
    had a verified level at ``min_level`` or above: the others never count, and at national
    size they are most of the history the window function would otherwise sort."""
    verified = LevelChange.status == ClaimStatus.VERIFIED
    reaching = (select(LevelChange.service_id)
                .where(verified, LevelChange.to_level >= min_level).distinct())
    following = func.lead(LevelChange.effective_on, type_=Date).over(
        partition_by=LevelChange.service_id,
        order_by=(LevelChange.effective_on, LevelChange.id))
    return (select(LevelChange.service_id, LevelChange.to_level.label("level"),
                   LevelChange.effective_on.label("start"), following.label("next_on"))
            .where(verified, LevelChange.service_id.in_(reaching)).cte("verified_spans"))


def _effectiveness_chunk(ends, min_level, window):
    months = _months(window_start(ends[0], window), ends[-1])

    def mask(end):
        start = window_start(end, window)
        return sum(1 << index for index, month in enumerate(months) if start <= month <= end)

    rows = [select(literal(end, Date).label("month_end"),
                   literal(window_start(end, window), Date).label("window_start"),
                   literal(mask(end), BigInteger).label("mask")) for end in ends]
    points = (union_all(*rows) if len(rows) > 1 else rows[0]).cte("points")
    # Each service's months with online dossiers, one bit a month, from the partial index of
    # those months (its condition written out: SQLite uses it only for that very term). A
    # service has one usage row a month, so the sum of its bits is their union.
    used = (select(ServiceUsage.service_id,
                   cast(func.sum(_bit(ServiceUsage.month, months)), BigInteger).label("mask"))
            .where(ServiceUsage.month >= months[0], ServiceUsage.month <= ends[-1],
                   ServiceUsage.dossiers_online > literal_column("0"))
            .group_by(ServiceUsage.service_id).cte("used_months"))
    spans = _spans_reaching(min_level)
    covers = and_(spans.c.start <= points.c.month_end,
                  or_(spans.c.next_on.is_(None), spans.c.next_on > points.c.month_end))
    is_used = func.coalesce(used.c.mask, 0).op("&")(points.c.mask) != 0
    # Counted per unit and point first, so a unit's "has data" is asked once a point.
    per_unit = (select(points.c.month_end, points.c.window_start, Service.unit_id,
                       func.sum(case((is_used, 1), else_=0)).label("numerator"),
                       func.count(spans.c.service_id).label("denominator"))
                .select_from(points)
                .join(spans, covers)
                .join(Service, Service.id == spans.c.service_id)
                .join(Unit, Unit.id == Service.unit_id)
                .outerjoin(used, used.c.service_id == spans.c.service_id)
                .where(Service.active.is_(True), Unit.active.is_(True),
                       spans.c.level >= min_level)
                .group_by(points.c.month_end, points.c.window_start, Service.unit_id)
                .subquery())
    # A unit without usage imported for an active service in the window has no data: its
    # services at the class are left out rather than counted as unused. Asked by the index
    # of each service's months, which stops at the first month found. (A scalar subquery
    # with LIMIT, not EXISTS: PostgreSQL turns an EXISTS into a join over the whole usage.)
    of_unit = aliased(Service)
    has_data = (select(ServiceUsage.id)
                .join(of_unit, of_unit.id == ServiceUsage.service_id)
                .where(of_unit.unit_id == per_unit.c.unit_id, of_unit.active.is_(True),
                       ServiceUsage.month >= per_unit.c.window_start,
                       ServiceUsage.month <= per_unit.c.month_end)
                .limit(1).scalar_subquery().is_not(None))
    # A unit with a service used in the window has data: only the others are asked.
    return (select(per_unit.c.month_end,
                   func.coalesce(func.sum(per_unit.c.numerator), 0).label("numerator"),
                   func.coalesce(func.sum(per_unit.c.denominator), 0).label("denominator"))
            .where(or_(per_unit.c.numerator > 0, has_data)).group_by(per_unit.c.month_end))


def stored_effectiveness(min_level, months):
    """Whether the stored month figures hold the measure with these parameters: level 4 in
    three months are kpi's effective services (``kpi_queries.REPORTED``)."""
    return min_level == 4 and months == 3


def effectiveness_series(session, ends, _shared, *, min_level, months):
    """``{month_end: (numerator, denominator)}`` of the effectiveness measure: from the
    stored month figures when they hold it and answer, else from the usage."""
    if stored_effectiveness(min_level, months) and all(
            end == kpi_store.month_end(end) for end in ends[:-1]):
        stored = kpi_store.effectiveness_rows(session, list(ends))
        if stored is not None:
            return {end: pair for end, pair in stored.items() if pair[1]}
    found = {}
    for chunk in _chunks(ends, months):
        for row in session.execute(_effectiveness_chunk(chunk, min_level, months)):
            found[_as_date(row.month_end)] = (int(row.numerator or 0),
                                              int(row.denominator or 0))
    return found
