"""Measures: the figures a plan's indicators are made of, each one SQL aggregate as of a date.

A measure counts a numerator and a denominator per unit in one statement over the catalog,
the level history and the monthly usage; the unit groups and the province are sums of the
units' counts, so a measure costs a fixed number of queries whatever the number of units.

Where a unit has nothing to measure (no services, no usage imported for its services in the
window, no services with a fee, no digitised figures) its value is None, "no data", never
0 %; the groups and the province add up only the units that have data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Unit, UnitKind
from taskforce.services import kpi, kpi_cache, kpi_store, unit_map, usage_figures
from taskforce.services.errors import DomainError
from taskforce.services.usage_figures import window_start

PROVISION, USE = "provision", "use"
GROUPS = ("departments", "districts", "communes")
MAX_MONTHS = 36
MAX_SERIES_POINTS = kpi.MAX_TREND_POINTS
VERIFIED = (ClaimStatus.VERIFIED,)
CLAIMED = (ClaimStatus.VERIFIED, ClaimStatus.PENDING)


@dataclass(frozen=True)
class Value:
    """One figure: a numerator over a denominator (services or dossiers)."""

    numerator: float
    denominator: float

    @property
    def share(self) -> float | None:
        """The figure as a share from 0 to 1, None when there is nothing to measure."""
        return self.numerator / self.denominator if self.denominator else None

    def __add__(self, other):
        return Value(self.numerator + other.numerator, self.denominator + other.denominator)


@dataclass
class Result:
    """A measure as of a date: for the province, each unit group and each active unit."""

    overall: Value | None
    groups: dict[str, Value | None]
    units: dict[int, Value | None]


@dataclass(frozen=True)
class Measure:
    """A named figure, its default parameters and the queries that count it.

    ``unit_rows(session, as_of, shared, **params)`` gives ``{unit_id: (numerator,
    denominator)}``; ``series_rows(session, ends, shared, **params)`` gives ``{month_end:
    (numerator, denominator)}`` for the province at each of ``ends`` (a point left out has
    no data); ``shared`` is a dict that measures computed together read their common sums
    from (``compute_many``);
    ``data_query(**params)`` is an EXISTS saying whether the catalog holds what it needs.
    The use-based measures read the usage through ``services.usage_figures``.
    """

    name: str
    label: object
    params: dict
    kind: str
    unit_rows: Callable = field(compare=False, repr=False)
    series_rows: Callable = field(compare=False, repr=False)
    data_query: Callable = field(compare=False, repr=False)

    def compute(self, session, as_of, **params) -> Result:
        """The measure as of ``as_of`` for every active unit, unit group and the province."""
        checked = check_params(self.name, params)
        key = ("measure", self.name, as_of, tuple(sorted(checked.items())))
        rows = kpi_cache.cached(session, key,
                                lambda: _unit_rows(session, self, as_of, checked, {}))
        return _result(rows)


# Parameters ------------------------------------------------------------------------------------

def _check_level(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def _check_months(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_MONTHS


PARAM_CHECKS = {
    "min_level": (_check_level, _l("Choose a class from 1 to 4.")),
    "months": (_check_months, _l("Choose a window of 1 to 36 months.")),
    "verified_only": (lambda value: isinstance(value, bool), _l("Say yes or no.")),
}


def get(name):
    """The measure called ``name``, or a DomainError."""
    if name not in MEASURES:
        raise DomainError(_("There is no measure “%(name)s”.", name=str(name)[:40]),
                          field="measure")
    return MEASURES[name]


def check_params(name, params=None):
    """``params`` over the measure's defaults, each checked; a DomainError names the bad one."""
    measure = get(name)
    checked = dict(measure.params)
    for key, value in (params or {}).items():
        if key not in measure.params:
            raise DomainError(_("The measure takes no parameter “%(name)s”.",
                                name=str(key)[:40]), field=key)
        is_valid, message = PARAM_CHECKS[key]
        if not is_valid(value):
            raise DomainError(str(message), field=key)
        checked[key] = value
    return checked


# Shared pieces of SQL -------------------------------------------------------------------------

def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _active():
    return Service.active.is_(True), Unit.active.is_(True)


def _existing(as_of):
    """``_active`` as of a date: the units of that day (``unit_map``)."""
    return Service.active.is_(True), unit_map.unit_exists(as_of)


def _in_window(column, start, end):
    return and_(column >= start, column <= end)


# share_at_class ---------------------------------------------------------------------------------

def _share_units(as_of, *, min_level, verified_only):
    # The same statement as kpi's figures: a service counts once it has a verified level; its
    # claimed level is the latest change verified or awaiting verification.
    verified = kpi.levels_as_of(as_of, list(VERIFIED))
    unit = kpi.counted_unit(as_of)
    query = (select(unit.label("unit_id")).join(verified, verified.c.service_id == Service.id)
             .join(Unit, Unit.id == unit))
    level = verified.c.level
    if not verified_only:
        claimed = kpi.levels_as_of(as_of, list(CLAIMED))
        query = query.outerjoin(claimed, claimed.c.service_id == Service.id)
        level = claimed.c.level
    return (query.add_columns(_count(level >= min_level).label("numerator"),
                              func.count(Service.id).label("denominator"))
            .where(*_existing(as_of)).group_by(unit))


def _of_active(query, service_id):
    return (query.join(Service, Service.id == service_id).join(Unit, Unit.id == Service.unit_id)
            .where(*_active()))


def _share_events(min_level, verified_only):
    """Dated steps of (denominator, numerator): +1 when a span starts, -1 when it ends.

    The denominator follows the verified spans (a service counts from its first verified
    level); a claimed class counts only from then, as in ``_share_units``.
    """
    verified = kpi.level_spans("verified_spans", VERIFIED)
    at_class = case((verified.c.level >= min_level, 1), else_=0)
    zero, one = literal(0), literal(1)

    def steps(source, on, denominator, numerator, *conditions, joins=()):
        query = select(on.label("changed_on"), denominator.label("denominator"),
                       numerator.label("numerator"))
        for table, condition in joins:
            query = query.join(table, condition)
        return _of_active(query.where(*conditions), source.c.service_id)

    ended = verified.c.next_on.is_not(None)
    if verified_only:
        return union_all(steps(verified, verified.c.start, one, at_class),
                         steps(verified, verified.c.next_on, -one, -at_class, ended)).subquery()
    claimed = kpi.level_spans("claimed_spans", CLAIMED)
    first = (select(LevelChange.service_id, func.min(LevelChange.effective_on).label("first_on"))
             .where(LevelChange.status == ClaimStatus.VERIFIED)
             .group_by(LevelChange.service_id).cte("first_verified"))
    joins = ((first, first.c.service_id == claimed.c.service_id),)
    counted_from = kpi.later_of(claimed.c.start, first.c.first_on)
    counted = (claimed.c.level >= min_level,
               or_(claimed.c.next_on.is_(None), counted_from < claimed.c.next_on))
    return union_all(
        steps(verified, verified.c.start, one, zero),
        steps(verified, verified.c.next_on, -one, zero, ended),
        steps(claimed, counted_from, zero, one, *counted, joins=joins),
        steps(claimed, claimed.c.next_on, zero, -one, *counted, claimed.c.next_on.is_not(None),
              joins=joins),
    ).subquery()


def _share_series_query(points, *, min_level, verified_only):
    events = _share_events(min_level, verified_only)
    by_day = (select(events.c.changed_on, func.sum(events.c.denominator).label("denominator"),
                     func.sum(events.c.numerator).label("numerator"))
              .group_by(events.c.changed_on).subquery())
    return (select(points.c.month_end, func.sum(by_day.c.numerator).label("numerator"),
                   func.sum(by_day.c.denominator).label("denominator"))
            .select_from(points).join(by_day, by_day.c.changed_on <= points.c.month_end)
            .group_by(points.c.month_end))


def _share_series(session, ends, _shared, *, min_level, verified_only):
    """At class 4 the province's series is kpi's trend (the dashboard's own, kept under the
    same key when its months are among the trend's); other classes are counted here."""
    if min_level == 4:
        end = max(ends)
        start = min(kpi.trend_start(end), window_start(min(ends), 1))
        months = kpi.month_ends(start, end)
        if len(months) <= kpi.MAX_TREND_POINTS and set(ends) <= set(months):
            trend = {point.on: point for point in kpi.monthly_trend(session, start, end)}
            found = {}
            for day in ends:
                point = trend[day]
                if point.services:
                    share = point.share_verified if verified_only else point.share_claimed
                    found[day] = (round(share * point.services), point.services)
            return found
    return _series_by_sql(_share_series_query)(session, ends, _shared, min_level=min_level,
                                               verified_only=verified_only)


def _has_levels(**_params):
    return exists().where(LevelChange.status == ClaimStatus.VERIFIED)


# Dossier measures -------------------------------------------------------------------------------

def _dossier_columns(name):
    """(numerator, denominator, condition) over ServiceUsage for a dossier measure."""
    total = ServiceUsage.dossiers_total
    return {
        "online_dossiers": (ServiceUsage.dossiers_online, total, None),
        "paid_online": (ServiceUsage.dossiers_paid_online, total, Service.has_fee.is_(True)),
        "digitised": (ServiceUsage.dossiers_digitised, total,
                      ServiceUsage.dossiers_digitised.is_not(None)),
    }[name]


def _usage_of_active(query, condition):
    query = query.join(Service, Service.id == ServiceUsage.service_id).join(
        Unit, Unit.id == Service.unit_id).where(*_active())
    return query if condition is None else query.where(condition)


def _dossier_data(name):
    condition = _dossier_columns(name)[2]

    def data_query(**_params):
        query = _usage_of_active(select(ServiceUsage.id).select_from(ServiceUsage), condition)
        return query.exists()
    return data_query


# effectiveness ----------------------------------------------------------------------------------

def _effectiveness_units(as_of, *, min_level, months):
    start = window_start(as_of, months)
    verified = kpi.levels_as_of(as_of, list(VERIFIED))
    window = _in_window(ServiceUsage.month, start, as_of)
    used = (select(ServiceUsage.service_id).where(window, ServiceUsage.dossiers_online > 0)
            .group_by(ServiceUsage.service_id).subquery())
    # Units with usage imported for any of their services in the window: the others have no
    # data, so their services at the class are left out rather than counted as unused.
    of_unit = aliased(Service)
    with_data = (select(unit_map.unit_of_service(as_of, of_unit))
                 .join(ServiceUsage, ServiceUsage.service_id == of_unit.id)
                 .where(window, of_unit.active.is_(True)))
    unit = kpi.counted_unit(as_of)
    return (select(unit.label("unit_id"),
                   _count(used.c.service_id.is_not(None)).label("numerator"),
                   func.count(Service.id).label("denominator"))
            .join(verified, verified.c.service_id == Service.id)
            .join(Unit, Unit.id == unit)
            .outerjoin(used, used.c.service_id == Service.id)
            .where(*_existing(as_of), verified.c.level >= min_level, unit.in_(with_data))
            .group_by(unit))


def _effectiveness_rows(session, as_of, shared, *, min_level, months):
    """The units' effectiveness: from the stored month figures when they hold it and
    answer for ``as_of``, else counted from the usage."""
    if usage_figures.stored_effectiveness(min_level, months):
        stored = kpi_store.effectiveness_units(session, as_of)
        if stored is not None:
            return stored
    return _units_by_sql(_effectiveness_units)(session, as_of, shared, min_level=min_level,
                                               months=months)


def _has_usage(**_params):
    return _usage_of_active(select(ServiceUsage.id).select_from(ServiceUsage), None).exists()


# Measures counted by one SQL statement ----------------------------------------------------------

def _units_by_sql(unit_query):
    """``unit_rows`` from a query of ``(unit_id, numerator, denominator)`` per unit."""
    def unit_rows(session, as_of, _shared, **params):
        return {row.unit_id: (row.numerator, row.denominator)
                for row in session.execute(unit_query(as_of, **params))}
    return unit_rows


def _series_by_sql(series_query):
    """``series_rows`` from a query of ``(month_end, numerator, denominator)`` at each point
    of a CTE of ``month_end, window_start``."""
    def series_rows(session, ends, _shared, **params):
        query = series_query(_points(ends, params), **params)
        return {_as_date(row.month_end): (row.numerator, row.denominator)
                for row in session.execute(query)}
    return series_rows


# The measures -----------------------------------------------------------------------------------

MEASURES = {
    measure.name: measure for measure in (
        Measure("share_at_class", _l("Share of services at or above a class"),
                {"min_level": 4, "verified_only": True}, PROVISION,
                _units_by_sql(_share_units), _share_series, _has_levels),
        Measure("online_dossiers", _l("Share of dossiers submitted online"),
                {"months": 12}, USE, usage_figures.dossier_units("online_dossiers"),
                usage_figures.dossier_series("online_dossiers"),
                _dossier_data("online_dossiers")),
        Measure("paid_online", _l("Share of dossiers paid online, among services with a fee"),
                {"months": 12}, USE, usage_figures.dossier_units("paid_online"),
                usage_figures.dossier_series("paid_online"), _dossier_data("paid_online")),
        Measure("digitised", _l("Share of dossiers digitised"),
                {"months": 12}, USE, usage_figures.dossier_units("digitised"),
                usage_figures.dossier_series("digitised"), _dossier_data("digitised")),
        Measure("effectiveness",
                _l("Share of services at the class that received online dossiers"),
                {"min_level": 4, "months": 3}, USE, _effectiveness_rows,
                usage_figures.effectiveness_series, _has_usage),
    )
}


# Computing --------------------------------------------------------------------------------------

def _group_of(kind):
    # kpi's split: district-level bodies apart from the provincial ones; communes apart too.
    if kind not in kpi.DISTRICT_KINDS:
        return "departments"
    return "communes" if kind == UnitKind.COMMUNE else "districts"


def _unit_rows(session, measure, as_of, params, shared):
    """``((unit_id, kind, numerator, denominator), ...)`` of every active unit (0, 0 if none)."""
    counted = {unit_id: (float(numerator or 0), float(denominator or 0))
               for unit_id, (numerator, denominator)
               in measure.unit_rows(session, as_of, shared, **params).items()}
    units = session.execute(select(Unit.id, Unit.kind).where(unit_map.unit_exists(as_of)))
    return tuple((unit_id, kind, *counted.get(unit_id, (0.0, 0.0))) for unit_id, kind in units)


def _value(numerator, denominator):
    return Value(numerator, denominator) if denominator else None


def _total(values):
    present = [value for value in values if value is not None]
    return _value(sum(v.numerator for v in present), sum(v.denominator for v in present))


def _result(rows):
    units = {unit_id: _value(numerator, denominator)
             for unit_id, _kind, numerator, denominator in rows}
    groups = {name: _total(units[unit_id] for unit_id, kind, *_ in rows
                           if _group_of(kind) == name) for name in GROUPS}
    return Result(overall=_total(units.values()), groups=groups, units=units)


def compute(session, name, as_of, params=None) -> Result:
    """The measure ``name`` as of ``as_of`` with ``params`` over its defaults."""
    return get(name).compute(session, as_of, **(params or {}))


def _points(ends, params):
    months = params.get("months", 1)
    rows = [select(literal(end, Date).label("month_end"),
                   literal(window_start(end, months), Date).label("window_start"))
            for end in ends]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("points")


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def series(session, name, month_ends, params=None) -> list[tuple[date, Value | None]]:
    """The province's value at each of ``month_ends``, in one query (kept like kpi's trend)."""
    measure = get(name)
    checked = check_params(name, params)
    ends = tuple(dict.fromkeys(month_ends))
    if not ends:
        return []
    if len(ends) > MAX_SERIES_POINTS:
        raise DomainError(_("Ask for at most %(n)s months at a time.", n=MAX_SERIES_POINTS - 1),
                          field="start")
    key = ("series", name, ends, tuple(sorted(checked.items())))
    return list(kpi_cache.cached(session, key,
                                 lambda: _series_points(session, measure, ends, checked, {})))


def _series_points(session, measure, ends, params, shared):
    found = {_as_date(end): _value(float(numerator or 0), float(denominator or 0))
             for end, (numerator, denominator)
             in measure.series_rows(session, ends, shared, **params).items()}
    return tuple((end, found.get(end)) for end in ends)


def compute_many(session, items, as_of, month_ends, with_units=True):
    """``[(Result, series)]`` of each ``(name, params)`` of ``items`` as of ``as_of``, with its
    province series at ``month_ends`` (ending with ``as_of``), computed together: the dossier
    measures read the usage once between them. Nothing is kept here: the caller keeps the
    whole (``plans``). Without ``with_units`` the Result holds the province's value alone,
    the series' last point."""
    ends = tuple(dict.fromkeys(month_ends))
    if len(ends) > MAX_SERIES_POINTS:
        raise DomainError(_("Ask for at most %(n)s months at a time.", n=MAX_SERIES_POINTS - 1),
                          field="start")
    shared, found = {}, []
    for name, params in items:
        measure = get(name)
        checked = check_params(name, params)
        points = list(_series_points(session, measure, ends, checked, shared))
        result = _result(_unit_rows(session, measure, as_of, checked, shared)) if with_units \
            else Result(overall=points[-1][1], groups={}, units={})
        found.append((result, points))
    return found


def has_data(session, name, params=None) -> bool:
    """Whether the catalog and the usage hold any of the data the measure ``name`` needs."""
    measure = get(name)
    return bool(session.scalar(select(measure.data_query(**check_params(name, params)))))


def volumes(session, as_of, months=12) -> dict[int, int]:
    """``{service_id: dossiers}`` received in the window of ``months`` ending with ``as_of``."""
    query = _usage_of_active(
        select(ServiceUsage.service_id, func.sum(ServiceUsage.dossiers_total).label("total"))
        .select_from(ServiceUsage), None)
    query = (query.where(_in_window(ServiceUsage.month, window_start(as_of, months), as_of))
             .group_by(ServiceUsage.service_id))
    return {row.service_id: int(row.total or 0) for row in session.execute(query)}
