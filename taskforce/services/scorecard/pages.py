"""What the scorecard pages, `flask scorecard show`, the unit page and the reviews show."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from taskforce.models import ReorganisationLink, ScoreRow, ScoreTable
from taskforce.models.scorecard import GROUPS
from taskforce.services.scorecard.limits import maxima, thresholds
from taskforce.services.scorecard.periods import of_table


@dataclass
class Line:
    """A row of the page: the scores, the gaps to the maxima and the movement."""

    row: ScoreRow
    rank_in_province: int | None
    gaps: dict
    change: float | None = None
    rank_change: int | None = None
    band: str = ""

    @property
    def is_below_low(self):
        return self.band == "low"

    @property
    def is_below_high(self):
        return self.band == "high"

    @property
    def weakest(self):
        """The group furthest from its maximum (the first of equals)."""
        return max(GROUPS, key=lambda group: (self.gaps[group], -GROUPS.index(group)))


def periods(session):
    """The imported tables, newest period first (the period picker)."""
    return session.scalars(select(ScoreTable).order_by(
        ScoreTable.period_start.desc(), ScoreTable.period_kind)).all()


def find_table(session, period):
    """The table of ``period``, or None."""
    return session.scalar(select(ScoreTable).where(
        ScoreTable.period_kind == period.kind, ScoreTable.period_start == period.start))


def previous_table(session, table):
    """The latest table of the same kind before ``table``, or None."""
    return session.scalar(select(ScoreTable).where(
        ScoreTable.period_kind == table.period_kind,
        ScoreTable.period_start < table.period_start)
        .order_by(ScoreTable.period_start.desc()).limit(1))


def _rows(session, table):
    return session.scalars(select(ScoreRow).where(ScoreRow.table_id == table.id)
                           .options(selectinload(ScoreRow.unit))).all()


def _ranks(rows):
    """{row id: its rank among the province's units of its tier} (equal totals, equal rank)."""
    ranks = {}
    for tier in {row.unit_type for row in rows}:
        ordered = sorted((r for r in rows if r.unit_type == tier), key=lambda r: -r.total)
        for index, row in enumerate(ordered):
            same = index and ordered[index - 1].total == row.total
            ranks[row.id] = ranks[ordered[index - 1].id] if same else index + 1
    return ranks


@dataclass
class Board:
    """A period's table as the page shows it."""

    table: ScoreTable
    previous: ScoreTable | None
    province: Line | None
    lines: list
    maxima: dict
    low: float
    high: float

    @property
    def below_low(self):
        return [line for line in self.lines if line.band == "low"]

    @property
    def below_high(self):
        return [line for line in self.lines if line.band == "high"]


def board(session, table):
    """The page of ``table``: the province, its units ranked, gaps, movement, bands."""
    top, (low, high) = maxima(session), thresholds(session)
    rows = _rows(session, table)
    previous = previous_table(session, table)
    before = {}
    if previous is not None:
        before = {(r.unit_id, r.is_province): r for r in session.scalars(
            select(ScoreRow).where(ScoreRow.table_id == previous.id))}
    ranks = _ranks([r for r in rows if not r.is_province])
    lines = []
    for row in rows:
        line = Line(row, ranks.get(row.id),
                    {g: round(max(top[g] - row.groups[g], 0), 2) for g in GROUPS})
        then = before.get((row.unit_id, row.is_province))
        if then is not None:
            line.change = round(row.total - then.total, 2)
            if row.national_rank and then.national_rank:
                line.rank_change = then.national_rank - row.national_rank
        line.band = "low" if row.total < low else "high" if row.total < high else ""
        lines.append(line)
    province = next((line for line in lines if line.row.is_province), None)
    units = sorted((line for line in lines if not line.row.is_province),
                   key=lambda line: (-line.row.total, line.row.name))
    return Board(table, previous, province, units, top, low, high)


def row_code(row):
    return row.unit.code if row.unit is not None else row.code


def row_name(row):
    return row.unit.name if row.unit is not None else row.name


def as_json(session, table):
    """`flask scorecard show --json`: the period and each unit's groups, total and ranks."""
    shown = board(session, table)

    def item(line):
        return {"code": row_code(line.row), "name": row_name(line.row),
                "groups": line.row.groups, "total": line.row.total,
                "national_rank": line.row.national_rank,
                "rank_in_province": line.rank_in_province}

    return {"period": of_table(table).label,
            "province": item(shown.province) if shown.province else None,
            "units": [item(line) for line in shown.lines]}


def _lineage(session, unit):
    """``unit`` and every unit that became it through a reorganisation, however far back."""
    found, frontier = {unit.id}, {unit.id}
    while frontier:
        frontier = set(session.scalars(select(ReorganisationLink.from_unit_id).where(
            ReorganisationLink.to_unit_id.in_(frontier)))) - found
        found |= frontier
    return found


def unit_history(session, unit):
    """A unit's scores in every imported table, and those of the units it was made of
    before a reorganisation, oldest first: (period, row); ``row.unit`` says whose."""
    found = session.execute(select(ScoreTable, ScoreRow).join(
        ScoreRow, ScoreRow.table_id == ScoreTable.id)
        .where(ScoreRow.unit_id.in_(_lineage(session, unit)))
        .options(selectinload(ScoreRow.unit))
        .order_by(ScoreTable.period_kind, ScoreTable.period_start, ScoreRow.name)).all()
    return [(of_table(table), row) for table, row in found]


def review_section(session, end):
    """The scorecard part of a review ending on ``end`` (JSON-safe, frozen in its snapshot,
    words left to the reader's language): the latest table whose period began by ``end``, its
    province and the units under the thresholds; None before any table."""
    table = session.scalar(select(ScoreTable).where(ScoreTable.period_start <= end).order_by(
        ScoreTable.period_start.desc(), ScoreTable.period_kind).limit(1))
    if table is None:
        return None
    shown = board(session, table)
    province = shown.province
    return {
        "period": of_table(table).label,
        "low": shown.low, "high": shown.high,
        "province": None if province is None else {
            "total": province.row.total, "national_rank": province.row.national_rank,
            "change": province.change},
        "units": len(shown.lines),
        "under": [{"code": row_code(line.row), "name": row_name(line.row),
                   "total": line.row.total, "change": line.change,
                   "under": shown.low if line.is_below_low else shown.high,
                   "weakest": line.weakest, "weakest_gap": line.gaps[line.weakest]}
                  for line in shown.lines if line.band],
    }
