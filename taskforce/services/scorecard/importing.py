"""Import of a period's score table: a plan read from the file, written all or nothing."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from taskforce.models import ScoreRow, ScoreTable, Unit, UnitKind
from taskforce.models.scorecard import GROUPS
from taskforce.services import audit, spreadsheets, units
from taskforce.services.errors import DomainError
from taskforce.services.scorecard.reading import (
    name_key,
    parse_rank,
    parse_score,
    plain_name,
    read_sheets,
)
from taskforce.services.spreadsheets import CellError, parse_cells, text
from taskforce.services.text import fold

# The sum of the groups may differ from the total by the portal's rounding, no more.
TOLERANCE = 0.02
PROVINCE = "1"
CODE_MAX = 40
# LOAI_COQUAN (or CAPDONVIID): the kind of unit a new unit of the table gets.
KINDS = {"2": UnitKind.DEPARTMENT, "3": UnitKind.COMMUNE}


@dataclass
class Entry:
    """One row of the file, parsed: its scores and the unit it is (or will be) for."""

    where: tuple
    values: dict
    unit: Unit | None = None
    is_province: bool = False

    @property
    def is_new_unit(self):
        return self.unit is None and not self.is_province


@dataclass
class ScorePlan:
    """What a file would store for a period, and every error found in it by sheet and row."""

    period: object
    filename: str
    create_units: bool
    sheets: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    replaces: ScoreTable | None = None

    @property
    def ok(self):
        return not self.errors

    @property
    def new_units(self):
        return [entry for entry in self.entries if entry.is_new_unit]

    def error(self, where, *messages):
        self.errors.extend((where, message) for message in messages)


def place(where):
    """'Sheet “Sở”, row 5', 'Row 5' or, for JSON, 'Object 5': where a message points."""
    title, number = where
    if title is None:
        return _("Object %(number)s", number=number)
    if title:
        return _("Sheet “%(sheet)s”, row %(row)s", sheet=title, row=number)
    return _("Row %(row)s", row=number)


def _units(session):
    found = session.scalars(select(Unit)).all()
    by_code = {fold(u.code): u for u in found}
    by_name = {}
    for unit in found:
        by_name.setdefault(name_key(unit.name), unit)
    return by_code, by_name


def _parsed(row):
    values = row.values
    checks = [(group, group, lambda g=group: parse_score(values.get(g), label=g))
              for group in GROUPS]
    checks += [("total", "total", lambda: parse_score(values.get("total"), label="TONG_SCORE")),
               ("rank", "rank", lambda: parse_rank(values.get("rank")))]
    parsed, problems = parse_cells(row, checks)
    problems = list(row.problems.values()) + problems
    if not problems:
        total = sum(parsed[group] for group in GROUPS)
        if abs(total - parsed["total"]) > TOLERANCE + 1e-9:
            problems.append(_("TONG_SCORE %(total)s is not the sum of the groups (%(sum)s).",
                              total=parsed["total"], sum=round(total, 2)))
    if not text(values.get("code")) and not (text(values.get("name"))
                                            or text(values.get("ten"))):
        problems.append(_("The unit has neither a code (MA_COQUAN) nor a name (TEN_COQUAN)."))
    if problems:
        raise CellError(*problems)
    for key in ("id", "code", "unit_type", "tier_id", "unit_id"):
        parsed[key] = text(values.get(key))[:60]
    parsed["name"] = text(values.get("name")) or text(values.get("ten"))
    return parsed


def _match(parsed, by_code, by_name):
    found = by_code.get(fold(parsed["code"])) if parsed["code"] else None
    return found or by_name.get(name_key(parsed["name"]))


def plan_scorecard(session, data, filename, period, *, create_units=False):
    """Read a score file for ``period`` and say what it would store; write nothing."""
    sheets = read_sheets(data, filename)
    plan = ScorePlan(period=period, filename=spreadsheets.display_name(filename),
                     create_units=create_units, sheets=[s.title for s in sheets])
    by_code, by_name = _units(session)
    seen = {}
    for sheet in sheets:
        for row in sheet.rows:
            where = (sheet.title, row.number)
            try:
                parsed = _parsed(row)
            except CellError as error:
                plan.error(where, *error.args)
                continue
            entry = Entry(where, parsed, is_province=parsed["unit_type"] == PROVINCE)
            if not entry.is_province:
                entry.unit = _match(parsed, by_code, by_name)
            key = ("province" if entry.is_province else entry.unit.id if entry.unit
                   else fold(parsed["code"]) or name_key(parsed["name"]))
            if key in seen:
                plan.error(where, _("%(unit)s is already on %(place)s.", unit=parsed["name"]
                                    or parsed["code"], place=place(seen[key])))
                continue
            seen[key] = where
            if entry.is_new_unit and not create_units:
                plan.error(where, _("Unknown unit “%(name)s” (%(code)s): no unit has this code "
                                    "or name. Ask for the missing units to be created to add "
                                    "it.",
                                    name=parsed["name"], code=parsed["code"] or "-"))
            elif entry.is_new_unit and not parsed["code"]:
                plan.error(where, _("A new unit needs its code (MA_COQUAN)."))
            elif entry.is_new_unit and len(parsed["code"]) > CODE_MAX:
                plan.error(where, _("A unit's code has at most %(count)s characters.",
                                    count=CODE_MAX))
            plan.entries.append(entry)
    plan.replaces = session.scalar(select(ScoreTable).where(
        ScoreTable.period_kind == period.kind, ScoreTable.period_start == period.start))
    return plan


def _create_unit(session, entry, actor):
    values = entry.values
    kind = KINDS.get(values["unit_type"]) or KINDS.get(values["tier_id"]) or UnitKind.OTHER
    draft = units.UnitDraft(code=values["code"], name=(plain_name(values["name"]) or
                                                      values["code"])[:200], kind=kind)
    try:
        return units.create_unit(session, draft, actor=actor)
    except DomainError as error:
        raise DomainError(_("%(place)s: %(message)s", place=place(entry.where),
                            message=error.message), field="file") from None


def apply_scorecard(session, plan, *, actor, now):
    """Store a plan without errors as its period's table, replacing the one imported before."""
    if not plan.ok:
        raise DomainError(_("The file has errors, so nothing was imported."), field="file")
    if plan.replaces is not None:
        # Rows first: SQLite may run without foreign keys, and may reuse the table's id.
        session.execute(delete(ScoreRow).where(ScoreRow.table_id == plan.replaces.id))
        session.delete(plan.replaces)
        session.flush()
    table = ScoreTable(period_kind=plan.period.kind, period_start=plan.period.start,
                       filename=plan.filename, imported_by_id=getattr(actor, "id", None),
                       imported_at=now)
    session.add(table)
    created = 0
    for entry in plan.entries:
        if entry.is_new_unit:
            entry.unit = _create_unit(session, entry, actor)
            created += 1
        values = entry.values
        table.rows.append(ScoreRow(
            unit=entry.unit, is_province=entry.is_province, portal_id=values["id"],
            portal_unit_id=values["unit_id"], code=values["code"][:40],
            name=values["name"][:300], unit_type=values["unit_type"][:20],
            tier_id=values["tier_id"][:20], total=values["total"],
            national_rank=values["rank"], **{g.lower(): values[g] for g in GROUPS}))
    counts = {"rows": len(plan.entries), "units_created": created,
              "replaced": plan.replaces is not None}
    audit.record(session, actor, "scorecard.import", table, now=now, changes=counts,
                 summary=_("%(period)s: %(file)s", period=plan.period.label, file=plan.filename))
    try:
        session.flush()
    except IntegrityError:
        raise DomainError(_("The scores of this period changed while importing; nothing was "
                            "imported. Try again."), field="file") from None
    return table


def import_scorecard(session, data, filename, period, *, create_units, actor, now):
    """Plan the file and store it when the plan has no errors; return the plan."""
    plan = plan_scorecard(session, data, filename, period, create_units=create_units)
    if plan.ok:
        apply_scorecard(session, plan, actor=actor, now=now)
    return plan
