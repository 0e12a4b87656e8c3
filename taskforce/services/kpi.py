"""Key figures: the share of services at level 4, per unit and for the province, at a date.

Every figure is an SQL aggregate over the level history, so it can be asked for
any past date and costs a fixed number of queries whatever the catalog's size.
"""

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import Date, case, func, literal, or_, select, union_all

from taskforce.models import ClaimStatus, LevelChange, Service, Unit, UnitKind
from taskforce.services import bounds, exports, kpi_cache, kpi_store, settings, unit_map
from taskforce.services.errors import DomainError
from taskforce.services.kpi_queries import (  # noqa: F401 - kpi's names for them
    COUNTS,
    counted_unit,
    figures_query,
    levels_as_of,
)

JSON_KEYS = ("services", "level3", "level4", "level4_verified", "share", "share_verified",
             "to_target")
MAX_TREND_POINTS = 121
DISTRICT_KINDS = frozenset({UnitKind.DISTRICT, UnitKind.CITY, UnitKind.COMMUNE})
SORTS = ("share", "name", "to_target")


@dataclass
class Figures:
    services: int = 0
    level3: int = 0
    level4: int = 0
    level4_verified: int = 0
    effective4: int = 0
    share: float = 0.0
    share_verified: float = 0.0
    to_target: int = 0

    @property
    def effective_share(self):
        """Verified level-4 services that received online dossiers lately, over all of them."""
        return self.effective4 / self.level4_verified if self.level4_verified else 0.0

    def as_dict(self):
        data = asdict(self)
        data["share"] = round(self.share, 4)
        data["share_verified"] = round(self.share_verified, 4)
        return data


class TrendPoint(NamedTuple):
    on: date
    share_verified: float
    share_claimed: float
    services: int = 0  # none: the catalog did not hold the province's services yet


@dataclass
class Overview:
    """What the dashboard shows: the figures at a date, the settings and the trend."""

    as_of: date
    target: float
    target_on: date | None
    national: float
    province: Figures
    per_unit: list = field(default_factory=list)
    trend: list = field(default_factory=list)


def check_as_of(value):
    """Refuse a date too far from the present to be meant (it would overflow month arithmetic)."""
    return bounds.check_date(value, field="as_of")


def parse_as_of(text):
    """The date written dd/mm/yyyy (or YYYY-MM-DD) in ``text``, or a DomainError."""
    text = (text or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            value = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return check_as_of(value)
    raise DomainError(_("“%(text)s” is not a date; write it as dd/mm/yyyy.", text=text[:40]),
                      field="as_of")


def _finish(fig, target):
    if fig.services:
        fig.share = fig.level4 / fig.services
        fig.share_verified = fig.level4_verified / fig.services
    needed = math.ceil(target * fig.services - 1e-9)
    fig.to_target = max(0, needed - fig.level4_verified)
    return fig


def _unit_counts(session, as_of):
    """``{unit_id: counts}`` of every active unit with services, as of ``as_of``."""
    stored = kpi_store.unit_counts(session, as_of)
    if stored is not None:
        return stored
    return {row.unit_id: tuple(int(row._mapping[key]) for key in COUNTS)
            for row in session.execute(figures_query(as_of))}


def _figures(counts):
    return Figures(**dict(zip(COUNTS, counts, strict=True)))


def compute(session, as_of, target=None):
    """Figures for the province and for every active unit as of ``as_of``.

    Returns ``(province, [(unit, figures), ...])``; ``to_target`` counts the verified
    level-4 services still needed, since the verified figure is the official one. The
    counts are kept between requests until the catalog changes (``kpi_cache``).
    """
    target = settings.target_share(session) if target is None else target
    counts = kpi_cache.cached(session, ("units", as_of), lambda: _unit_counts(session, as_of))
    units = session.scalars(select(Unit).where(unit_map.unit_exists(as_of))
                            .order_by(Unit.display_order, Unit.name))
    province = Figures()
    per_unit = []
    empty = (0,) * len(COUNTS)
    for unit in units:
        fig = _figures(counts.get(unit.id, empty))
        for key in COUNTS:
            setattr(province, key, getattr(province, key) + getattr(fig, key))
        per_unit.append((unit, _finish(fig, target)))
    return _finish(province, target), per_unit


def unit_figures(session, unit, as_of, target=None):
    """One unit's figures as of ``as_of``, in one query that reads only its services.

    Before the unit began they are the sum of its predecessors' (a merged unit's trend runs
    through the units it was made of).
    """
    target = settings.target_share(session) if target is None else target
    if unit.started_on is not None and as_of < unit.started_on and unit.predecessors:
        parts = [unit_figures(session, p, as_of, target) for p in unit.predecessors]
        return _finish(_figures([sum(getattr(f, k) for f in parts) for k in COUNTS]), target)

    def count():
        stored = kpi_store.unit_counts(session, as_of, unit.id)
        if stored is not None:
            return stored.get(unit.id)
        row = session.execute(figures_query(as_of, [unit.id])).first()
        return tuple(int(row._mapping[key]) for key in COUNTS) if row else None

    counts = kpi_cache.cached(session, ("unit", unit.id, as_of), count)
    return _finish(_figures(counts) if counts else Figures(), target)


def province_figures(session, as_of, target=None):
    """The province's figures alone, in one query."""
    target = settings.target_share(session) if target is None else target
    sub = figures_query(as_of).subquery()

    def count():
        stored = kpi_store.province_counts(session, as_of)
        if stored is not None:
            return stored
        row = session.execute(
            select(*(func.coalesce(func.sum(sub.c[k]), literal(0)).label(k) for k in COUNTS))
        ).one()
        return tuple(int(value) for value in row)

    return _finish(_figures(kpi_cache.cached(session, ("province", as_of), count)), target)


def month_ends(start, end):
    """Each month's last day from ``start``'s month up to ``end``, then ``end`` itself."""
    if start > end:
        return []
    points = []
    current = _month_end(start)
    while current < end:
        points.append(current)
        current = _month_end(current + timedelta(days=1))
    points.append(end)
    return points


def _month_end(day):
    return date(day.year, day.month, 1) + relativedelta(months=1, days=-1)


def _months_cte(ends):
    rows = [select(literal(day, Date).label("month_end")) for day in ends]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).cte("months")


def level_spans(name, statuses):
    """A CTE (service_id, level, start, next_on): each change, and when the next one came.

    A change is the service's level from its date until the next change's (excluded), so
    the level at a date is that of the one span around it: one pass over the history,
    however many dates are asked for.
    """
    following = func.lead(LevelChange.effective_on, type_=Date).over(
        partition_by=LevelChange.service_id,
        order_by=(LevelChange.effective_on, LevelChange.id))
    return (select(LevelChange.service_id, LevelChange.to_level.label("level"),
                   LevelChange.effective_on.label("start"), following.label("next_on"))
            .where(LevelChange.status.in_(statuses)).cte(name))


def _of_active_services(query, service_id):
    return (query.join(Service, Service.id == service_id)
            .join(Unit, Unit.id == counted_unit(None))
            .where(Service.active.is_(True), Unit.active.is_(True)))


def later_of(first, second):
    return case((first > second, first), else_=second)


def _trend_events():
    """Dated steps of the three counts: +1 when a span starts, -1 when it ends.

    A claimed level 4 counts only once the service has a verified level, as in ``compute``.
    """
    verified = level_spans("verified_spans", [ClaimStatus.VERIFIED])
    claimed = level_spans("claimed_spans", [ClaimStatus.VERIFIED, ClaimStatus.PENDING])
    first = (select(LevelChange.service_id, func.min(LevelChange.effective_on).label("first_on"))
             .where(LevelChange.status == ClaimStatus.VERIFIED)
             .group_by(LevelChange.service_id).cte("first_verified"))
    is4 = case((verified.c.level == 4, 1), else_=0)
    counted_from = later_of(claimed.c.start, first.c.first_on)
    claimed4 = (claimed.c.level == 4,
                or_(claimed.c.next_on.is_(None), counted_from < claimed.c.next_on))
    ended = verified.c.next_on.is_not(None)

    def steps(on, services, level4_verified, level4, source, *conditions):
        query = select(on.label("changed_on"), services.label("services"),
                       level4_verified.label("level4_verified"), level4.label("level4"))
        if source is claimed:
            query = query.join(first, first.c.service_id == claimed.c.service_id)
        return _of_active_services(query.where(*conditions), source.c.service_id)

    zero, one = literal(0), literal(1)
    return union_all(
        steps(verified.c.start, one, is4, zero, verified),
        steps(verified.c.next_on, -one, -is4, zero, verified, ended),
        steps(counted_from, zero, zero, one, claimed, *claimed4),
        steps(claimed.c.next_on, zero, zero, -one, claimed, *claimed4,
              claimed.c.next_on.is_not(None)),
    ).subquery()


def _trend_query(ends):
    events = _trend_events()
    by_day = (select(events.c.changed_on, *(func.sum(events.c[key]).label(key) for key in
                                             ("services", "level4_verified", "level4")))
              .group_by(events.c.changed_on).subquery())
    months = _months_cte(ends)
    return (
        select(months.c.month_end,
               *(func.sum(by_day.c[key]).label(key) for key in
                 ("services", "level4_verified", "level4")))
        .select_from(months)
        .join(by_day, by_day.c.changed_on <= months.c.month_end)
        .group_by(months.c.month_end)
    )


def monthly_trend(session, start, end, target=None):
    """The province's share at each month end from ``start`` to ``end``, in one query.

    Returns ``[TrendPoint(on, share_verified, share_claimed), ...]``; the last point is
    ``end`` itself. ``target`` is accepted like ``compute``'s; the shares do not use it.
    """
    ends = month_ends(start, end)
    if not ends:
        return []
    if len(ends) > MAX_TREND_POINTS:
        raise DomainError(_("Ask for at most %(n)s months at a time.", n=MAX_TREND_POINTS - 1),
                          field="start")
    return kpi_cache.cached(session, ("trend", start, end),
                            lambda: _trend_points(session, ends))


def _trend_points(session, ends):
    found = kpi_store.trend_rows(session, ends)
    if found is None:
        found = {}
        for row in session.execute(_trend_query(ends)):
            on = row.month_end
            found[on if isinstance(on, date) else date.fromisoformat(str(on)[:10])] = row
    points = []
    for on in ends:
        row = found.get(on)
        # PostgreSQL may hand the counts back as Decimal; the shares must be floats.
        services = int(row.services) if row is not None else 0
        if not services:
            points.append(TrendPoint(on, 0.0, 0.0, 0))
        else:
            points.append(TrendPoint(on, int(row.level4_verified) / services,
                                     int(row.level4) / services, services))
    return tuple(points)


def rank(per_unit):
    """Units furthest behind first: lowest verified share, then most still to upgrade.

    Units with no services come last, since they have nothing to upgrade.
    """
    return sorted(per_unit, key=lambda item: (item[1].services == 0, item[1].share_verified,
                                              -item[1].to_target, item[0].name_key))


def ranking(session, as_of, target=None):
    """Every active unit with its figures, furthest behind the target first."""
    return rank(compute(session, as_of, target)[1])


def furthest_behind(per_unit, n=5):
    """The ``n`` units furthest behind that still have services to upgrade."""
    return [item for item in rank(per_unit) if item[1].services and item[1].to_target][:n]


def sort_units(per_unit, sort="share", descending=False):
    """Units ordered for a table by ``sort`` (share, name or to_target); empty units last."""
    sort = sort if sort in SORTS else "share"
    keys = {
        "share": lambda item: item[1].share_verified,
        "name": lambda item: item[0].name_key,
        "to_target": lambda item: item[1].to_target,
    }
    # Sorting is stable, reversed too: equal figures stay in name order either way.
    by_name = sorted(per_unit, key=lambda item: item[0].name_key)
    listed = [item for item in by_name if item[1].services]
    empty = [item for item in by_name if not item[1].services]
    return sorted(listed, key=keys[sort], reverse=descending) + empty


def split_by_kind(per_unit):
    """``(departments, districts)``: provincial bodies apart from district-level ones."""
    districts = [item for item in per_unit if item[0].kind in DISTRICT_KINDS]
    departments = [item for item in per_unit if item[0].kind not in DISTRICT_KINDS]
    return departments, districts


def trend_start(as_of, months=12):
    """The first day of the month ``months - 1`` months before ``as_of``'s."""
    return date(as_of.year, as_of.month, 1) - relativedelta(months=months - 1)


def overview(session, as_of, months=12):
    """Everything the dashboard shows as of ``as_of``, in a fixed number of queries."""
    target = settings.target_share(session)
    province, per_unit = compute(session, as_of, target)
    return Overview(
        as_of=as_of,
        target=target,
        target_on=settings.target_on(session),
        national=settings.national_share(session),
        province=province,
        per_unit=per_unit,
        trend=monthly_trend(session, trend_start(as_of, months), as_of),
    )


def as_json(session, as_of, target=None):
    """The figures in the shape of ``flask kpi --json``."""
    target = settings.target_share(session) if target is None else target
    province, per_unit = compute(session, as_of, target)
    return {
        "as_of": as_of.isoformat(),
        "target": target,
        "province": {k: province.as_dict()[k] for k in JSON_KEYS},
        "units": [
            {"code": unit.code, "name": unit.name, "kind": unit.kind,
             **{k: fig.as_dict()[k] for k in JSON_KEYS}}
            for unit, fig in per_unit
        ],
    }


def _sheet_row(name, kind, fig):
    return [name, kind, fig.services, fig.level3, fig.level4, fig.level4_verified,
            fig.share, fig.share_verified, fig.to_target, fig.effective4, fig.effective_share]


def export_table(session, as_of, target=None, *, today=None):
    """The KPI table of every unit and the province as an .xlsx file (bytes)."""
    target = settings.target_share(session) if target is None else target
    province, per_unit = compute(session, as_of, target)
    headers = [_("Unit"), _("Kind"), _("Services"), _("Level 3"), _("Level 4 (claimed)"),
               _("Level 4 (verified)"), _("Share claimed (%)"), _("Share verified (%)"),
               _("Still to upgrade"), _("Effective level 4"), _("Effective share (%)")]
    rows = [_sheet_row(unit.name, UnitKind.word(unit.kind), fig) for unit, fig in per_unit]
    rows.append(_sheet_row(_("Province (total)"), "", province))
    day = as_of.strftime("%d/%m/%Y")
    period = _("Figures as of %(date)s; target %(target)s.", date=day,
               target=format_percent(target, "#,##0.##%"))
    sheet = exports.Sheet(_("KPI %(date)s", date=as_of.strftime("%d-%m-%Y")), headers, rows,
                          title=_("Online public services at level 4"), period=period,
                          kinds=dict.fromkeys((6, 7, 10), exports.PERCENT))
    return exports.workbook([sheet], exports.letterhead(session, today or as_of))
