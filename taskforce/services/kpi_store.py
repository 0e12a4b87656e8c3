"""Stored figures: each service's claimed level, and every unit's figures at each month end.

Computing the figures from the level history costs a second at national size, so they are
also kept: ``services.claimed_level`` beside the verified ``services.level``, and one row
of ``month_figures`` per unit and month end (the counts of ``kpi.COUNTS``), from the first
level change's month up to a few months ahead of today (so that a new month is covered
before its first change).

They are kept in the same transaction as every change. The session events of ``kpi_cache``,
which see every flush and every ORM statement, note here which units changed and from which
month (``note_flush``, ``note_statement``); before the transaction commits, and before a
figure is read from the store, ``settle`` writes again exactly those units' rows from that
month on, each month by ``kpi_queries.figures_query`` (the query ``kpi`` reads the history
with) restricted to those units: one definition of each figure. A writer that bypasses the
ORM calls ``kpi_cache.touch``, which calls ``rebuild`` (as ``flask kpi rebuild`` does).

``kpi`` reads a stored month when it is the answer, and the history otherwise: the
figures as of a date are those of its month end when the month is stored and no level
change and no usage figure lies between the two (``_checked``, in the same statement).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from flask import has_app_context
from sqlalchemy import (
    Date,
    and_,
    case,
    cast,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session

from taskforce.models import (
    ClaimStatus,
    LevelChange,
    MonthFigures,
    Service,
    ServiceUsage,
    Unit,
)
from taskforce.services import clock, kpi_queries
from taskforce.services.kpi_queries import COUNTS, REPORTED, STORED

MONTHS_AHEAD = 2
MARKS = "taskforce.kpi_store.marks"
# More units than this changed at once: every unit's rows are written again.
MAX_LISTED_UNITS = 500
# At most this many services' ids in a statement (each is bound four times).
MAX_LISTED_SERVICES = 5000
# At most this many values bound in one statement (SQLite allows 32,766, PostgreSQL 65,535).
MAX_BOUND = 20000
CHUNK = 500
CLAIMED = (ClaimStatus.VERIFIED, ClaimStatus.PENDING)
# A unit's attributes that decide whether, and when, its services count.
UNIT_LIFE = ("active", "started_on", "ended_on")


@dataclass
class Marks:
    """What a transaction changed: ``{id: first date reached, or None for every month}``."""

    units: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    everything: bool = False

    def add(self, kind, ident, day):
        if ident is None:
            return
        found = getattr(self, kind)
        if ident not in found:
            found[ident] = day
        elif found[ident] is not None:
            found[ident] = None if day is None else min(found[ident], day)

    def __bool__(self):
        return bool(self.units or self.services or self.everything)


def month_end(day):
    return date(day.year, day.month, 1) + relativedelta(months=1, days=-1)


def months(first, last):
    """Each month end from ``first``'s month to ``last``'s, both included."""
    current, ends = month_end(first), []
    while current <= last:
        ends.append(current)
        current = month_end(current + timedelta(days=1))
    return ends


# Noting the changes (kpi_cache's session events) ------------------------------------------

def _marks(session):
    return session.info.setdefault(MARKS, Marks())


def _values(obj, name):
    """Every value ``obj``'s attribute ``name`` has had in this flush (new and old)."""
    history = inspect(obj).attrs[name].history
    return [value for value in chain(history.added, history.unchanged, history.deleted)
            if value is not None]


def _changed(obj, name):
    return inspect(obj).attrs[name].history.has_changes()


def _earliest(values):
    return min(values) if values else None


def note_flush(session):
    """Note what this flush changes (called after it, while its history is still there)."""
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, LevelChange):
            days = _values(obj, "effective_on")
            for service_id in _values(obj, "service_id"):
                _marks(session).add("services", service_id, _earliest(days))
        elif isinstance(obj, ServiceUsage):
            days = _values(obj, "month")
            for service_id in _values(obj, "service_id"):
                _marks(session).add("services", service_id, _earliest(days))
        elif isinstance(obj, Service) and obj not in session.new:
            if obj in session.deleted or _changed(obj, "unit_id") or _changed(obj, "active"):
                for unit_id in _values(obj, "unit_id"):
                    _marks(session).add("units", unit_id, None)
        elif isinstance(obj, Unit) and obj not in session.new and (
                obj in session.deleted or any(_changed(obj, name) for name in UNIT_LIFE)):
            _marks(session).add("units", obj.id, None)
        elif getattr(obj, "__tablename__", None) == "service_units":
            # A service's unit from a date (a reorganisation): every month of both units.
            for unit_id in _values(obj, "unit_id"):
                _marks(session).add("units", unit_id, None)


def note_statement(state, table):
    """Note what an ORM statement on a tracked table changes (before it runs)."""
    if state.session.info.get(MARKS + ".busy"):
        return
    marks = _marks(state.session)
    rows = state.parameters
    if state.is_insert and table.name in ("services", "units"):
        return  # a new service or unit counts once it has a level history
    if (state.is_insert and table.name in ("level_changes", "service_usage")
            and isinstance(rows, list | tuple) and rows
            and all(isinstance(row, dict) and row.get("service_id") for row in rows)):
        on = "effective_on" if table.name == "level_changes" else "month"
        for row in rows:
            marks.add("services", row["service_id"], row.get(on))
        return
    marks.everything = True


def forget(session):
    """The transaction was rolled back: its changes are gone, and so are their marks."""
    session.info.pop(MARKS, None)


# Writing ----------------------------------------------------------------------------------

def settle(session, today=None):
    """Write the stored figures this transaction's changes reach, before it commits."""
    if not session.info.get(MARKS):
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    marks = session.info.pop(MARKS, None)
    if not marks:
        return
    session.info[MARKS + ".busy"] = True
    try:
        refresh(session.connection(), marks, today or local_today())
    finally:
        session.info.pop(MARKS + ".busy", None)
    for service_id in marks.services:
        service = session.identity_map.get(inspect(Service).identity_key_from_primary_key(
            (service_id,)))
        if service is not None:
            session.expire(service, ["claimed_level"])


def local_today():
    return clock.today() if has_app_context() else date.today()


def horizon(today):
    return month_end(today + relativedelta(months=MONTHS_AHEAD))


def through(connection):
    """The last month end stored, or None when nothing is stored yet.

    Every unit's rows are written up to the same month, and a service counted once counts
    at every later month end, so the last month end with a row is the last one stored.
    """
    return _as_date(connection.execute(select(func.max(MonthFigures.month_end))).scalar())


def _store_claimed(connection, service_ids=None):
    latest = (select(LevelChange.to_level)
              .where(LevelChange.service_id == Service.id, LevelChange.status.in_(CLAIMED))
              .order_by(LevelChange.effective_on.desc(), LevelChange.id.desc())
              .limit(1).scalar_subquery())
    if service_ids is None:
        connection.execute(update(Service).values(claimed_level=latest))
        return
    ids = sorted(service_ids)
    for start in range(0, len(ids), CHUNK):
        connection.execute(update(Service).where(Service.id.in_(ids[start:start + CHUNK]))
                           .values(claimed_level=latest))


def _write_month(connection, month, units=None, services=None):
    """Write again the rows of ``month`` (of ``units`` only, whose services' ids are
    ``services`` when known, or of every unit)."""
    connection.execute(delete(MonthFigures).where(
        MonthFigures.month_end == month,
        *(() if units is None else (MonthFigures.unit_id.in_(units),))))
    figures = kpi_queries.figures_query(month, units, services, reported=True).subquery()
    connection.execute(insert(MonthFigures).from_select(
        ["month_end", "unit_id", *STORED],
        select(literal(month, Date), figures.c.unit_id, *(figures.c[key] for key in STORED))))


def _units_over(connection, service_ids, ends):
    """The units ``service_ids`` counted for at any of the month ends ``ends``."""
    found, ids = set(), sorted(service_ids)
    for start in range(0, len(ids), CHUNK):
        for row in connection.execute(
                select(*(kpi_queries.counted_unit(end) for end in ends))
                .where(Service.id.in_(ids[start:start + CHUNK]))):
            found.update(row)
    return found


def _services_of(connection, units, ends):
    """The ids of the services that counted for ``units`` at any of ``ends``, written out so
    that the history is read by its service indexes; None when there are too many."""
    if len(units) * len(ends) > MAX_BOUND:
        return None
    ids = connection.execute(select(Service.id).where(
        or_(*(kpi_queries.counted_unit(end).in_(units) for end in ends)))).scalars().all()
    return ids if len(ids) <= MAX_LISTED_SERVICES else None


def _first_change(connection):
    return connection.execute(select(func.min(LevelChange.effective_on))).scalar()


def refresh(connection, marks, today):
    """Write again the claimed levels and the month rows that ``marks`` reach."""
    stored_through = through(connection)
    if stored_through is None or marks.everything:
        rebuild(connection, today)
        return
    if marks.services:
        _store_claimed(connection, marks.services)
    # A unit whose every month changes loses its rows first: the months written below (the
    # new ones for every unit, the earlier ones for the units reached) are then its only rows.
    everything = [unit_id for unit_id, day in marks.units.items() if day is None]
    if everything:
        connection.execute(delete(MonthFigures).where(MonthFigures.unit_id.in_(everything)))
    days = [*marks.units.values(), *marks.services.values()]
    latest = max([day for day in days if day is not None], default=today)
    last = max(stored_through, horizon(today), month_end(latest))
    for month in months(stored_through + timedelta(days=1), last):
        _write_month(connection, month, None)
    first = _first_change(connection) if None in days else min(days, default=None)
    ends = months(first, stored_through) if first is not None else []
    if not ends:
        return
    units = set(marks.units) | _units_over(connection, marks.services, ends)
    listed = None if len(units) > MAX_LISTED_UNITS else sorted(units)
    services = None if listed is None else _services_of(connection, listed, ends)
    for month in ends:
        _write_month(connection, month, listed, services)


def rebuild(connection, today):
    """Write every stored figure again from the history; returns the months written."""
    connection.execute(delete(MonthFigures))
    _store_claimed(connection)
    first = _first_change(connection)
    last = horizon(today)
    written = months(first, last) if first is not None else []
    for month in written:
        _write_month(connection, month, None)
    return len(written)


# Reading ----------------------------------------------------------------------------------

def _checked(session, as_of, body):
    """``body``'s rows when the stored figures of ``as_of``'s month end answer for ``as_of``,
    else None, in one statement: a first row says whether they do.

    They do when the month is stored (not after the last stored month end) and, for a date
    before its month end, no level change and no usage figure lies between the two.
    """
    settle(session)
    month = month_end(as_of)
    exact = month <= select(func.max(MonthFigures.month_end)).scalar_subquery()
    if as_of != month:
        exact = and_(exact, ~exists().where(LevelChange.effective_on > as_of,
                                           LevelChange.effective_on <= month),
                     ~exists().where(ServiceUsage.month > as_of, ServiceUsage.month <= month))
    columns = list(body.selected_columns)
    head = select(*(cast(null(), column.type) for column in columns),
                  literal(1), case((exact, 1), else_=0))
    rows = session.execute(union_all(head, body.add_columns(literal(0), literal(0)))).all()
    if not any(row[-2] == 1 and row[-1] == 1 for row in rows):
        return None
    return [row for row in rows if row[-2] == 0]


def unit_counts(session, as_of, unit_id=None):
    """``{unit_id: counts}`` as of ``as_of`` from the store (one unit's with ``unit_id``),
    or None when the store does not answer for ``as_of``."""
    query = select(MonthFigures.unit_id, *(MonthFigures.__table__.c[k] for k in COUNTS)) \
        .where(MonthFigures.month_end == month_end(as_of))
    if unit_id is not None:
        query = query.where(MonthFigures.unit_id == unit_id)
    rows = _checked(session, as_of, query)
    if rows is None:
        return None
    return {row[0]: tuple(int(value) for value in row[1:1 + len(COUNTS)]) for row in rows}


def province_counts(session, as_of):
    """The province's counts as of ``as_of`` from the store, or None."""
    table = MonthFigures.__table__
    rows = _checked(session, as_of, select(
        *(func.coalesce(func.sum(table.c[key]), 0).label(key) for key in COUNTS))
        .where(table.c.month_end == month_end(as_of)))
    return None if rows is None else tuple(int(value) for value in rows[0][:len(COUNTS)])


def trend_rows(session, ends):
    """``{end: (services, level4_verified, level4)}`` for the trend's dates, or None.

    Every date but the last is a month end; the last is answered by its month end's row.
    """
    wanted = {**{on: on for on in ends[:-1]}, month_end(ends[-1]): ends[-1]}
    table = MonthFigures.__table__
    rows = _checked(session, ends[-1], select(
        table.c.month_end, *(func.sum(table.c[key]).label(key)
                             for key in ("services", "level4_verified", "level4")))
        .where(table.c.month_end.in_(list(wanted))).group_by(table.c.month_end))
    if rows is None:
        return None
    return {wanted[_as_date(row[0])]: Counts(*row[1:4]) for row in rows}


def effectiveness_rows(session, ends):
    """``{end: (effective4, level4_reported)}`` of the province at each of ``ends`` (the
    default effectiveness measure's numerator and denominator), or None when the store does
    not answer for the last of them. Every end but the last is a month end."""
    wanted = {**{on: on for on in ends[:-1]}, month_end(ends[-1]): ends[-1]}
    table = MonthFigures.__table__
    rows = _checked(session, ends[-1], select(
        table.c.month_end, func.sum(table.c.effective4), func.sum(table.c[REPORTED]))
        .where(table.c.month_end.in_(list(wanted))).group_by(table.c.month_end))
    if rows is None:
        return None
    return {wanted[_as_date(row[0])]: (int(row[1]), int(row[2])) for row in rows}


def effectiveness_units(session, as_of):
    """``{unit_id: (effective4, level4_reported)}`` as of ``as_of``, or None."""
    table = MonthFigures.__table__
    rows = _checked(session, as_of, select(
        table.c.unit_id, table.c.effective4, table.c[REPORTED])
        .where(table.c.month_end == month_end(as_of)))
    if rows is None:
        return None
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


class Counts(NamedTuple):
    services: int
    level4_verified: int
    level4: int


def _as_date(value):
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def init_events():
    """Settle before every commit; forget the marks of a rolled-back transaction."""
    if not event.contains(Session, "before_commit", settle):
        event.listen(Session, "before_commit", settle)
        event.listen(Session, "after_rollback", forget)
