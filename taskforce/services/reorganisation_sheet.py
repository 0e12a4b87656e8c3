"""Reorganisations from a sheet, as a resolution lists them: read, check and preview, then record.

Columns: effective_on, change (rename / merge / split / dissolve), from_codes (separated by
";"), to_code, to_name, basis, and for a split service_codes (the services of that row's
successor). The rows of one split (same date and unit) make one event. Every row is checked
before anything is written, and every refusal is told with its row number.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from taskforce.models import ReorganisationChange
from taskforce.services import reorganisations, spreadsheets
from taskforce.services.errors import DomainError
from taskforce.services.reorganisations import ReorganisationDraft, Successor
from taskforce.services.spreadsheets import Columns, RowErrors, text
from taskforce.services.text import fold

HEADERS = {
    "effective_on": ("effective on", "ngay hieu luc", "hieu luc tu ngay"),
    "change": ("change", "thay doi", "hinh thuc sap xep", "hinh thuc"),
    "from_codes": ("from codes", "from code", "ma don vi cu", "don vi cu"),
    "to_code": ("to code", "ma don vi moi", "ma don vi ke thua"),
    "to_name": ("to name", "ten don vi moi", "ten don vi ke thua"),
    "basis": ("basis", "can cu", "can cu phap ly", "van ban"),
    "service_codes": ("service codes", "ma thu tuc", "ma dich vu"),
}
REQUIRED = ("effective_on", "change", "from_codes", "to_code", "to_name", "basis")
COLUMNS = Columns(HEADERS, anchor="change", labels={key: key for key in HEADERS}, no_header=_l(
    "No header row was found in the first %(count)s rows: the file needs the columns "
    "effective_on, change, from_codes, to_code, to_name and basis.",
    count=spreadsheets.HEADER_ROWS))


@dataclass
class SheetPlan:
    """The events a file would record, each with its rows, and its errors by row number."""

    filename: str
    header_row: int
    rows: int = 0
    events: list = field(default_factory=list)  # [(row numbers, ReorganisationDraft)]
    errors: RowErrors = field(default_factory=RowErrors)

    @property
    def ok(self):
        return not self.errors

    @property
    def drafts(self):
        return [draft for _rows, draft in self.events]


def _codes(value):
    return tuple(code for code in (c.strip() for c in text(value).split(";")) if code)


def _row_values(row):
    """``(effective_on, change, from_codes, successor, basis)`` of a row, or its messages."""
    values = row.values
    problems = [str(message) for message in row.problems.values()]
    day = spreadsheets.as_date(values.get("effective_on"))
    if day is None:
        problems.append(_("effective_on “%(value)s” is not a date (write dd/mm/yyyy).",
                          value=text(values.get("effective_on"))[:40]))
    change = fold(text(values.get("change")))
    if change not in set(ReorganisationChange):
        problems.append(_("The change must be rename, merge, split or dissolve."))
    if problems:
        raise spreadsheets.CellError(*problems)
    successor = Successor(text(values.get("to_code")), text(values.get("to_name")),
                          _codes(values.get("service_codes")))
    return day, change, _codes(values.get("from_codes")), successor, text(values.get("basis"))


def _events(rows, errors):
    """``[(row numbers, draft)]``: a row each, the rows of one split together."""
    events, splits = [], {}
    for row in rows:
        try:
            day, change, from_codes, successor, basis = _row_values(row)
        except spreadsheets.CellError as error:
            errors.add(row, *error.args)
            continue
        key = (day, tuple(fold(c) for c in from_codes))
        if change == ReorganisationChange.SPLIT and key in splits:
            numbers, draft = events[splits[key]]
            events[splits[key]] = (numbers + [row.number], ReorganisationDraft(
                day, change, draft.from_codes, draft.successors + (successor,), draft.basis))
            continue
        if change == ReorganisationChange.SPLIT:
            splits[key] = len(events)
        events.append(([row.number], ReorganisationDraft(day, change, from_codes,
                                                         (successor,), basis)))
    return events


def plan_sheet(session, data, filename=""):
    """Read a reorganisation sheet and check every event against the units; write nothing."""
    table = spreadsheets.read_table(data, COLUMNS, required=REQUIRED, filename=filename)
    plan = SheetPlan(filename=spreadsheets.display_name(filename), header_row=table.header_row,
                     rows=len(table.rows))
    events = _events(table.rows, plan.errors)
    batch = reorganisations.Batch(session)
    for numbers, draft in events:
        try:
            reorganisations.check(session, draft, batch)
        except DomainError as error:
            plan.errors.extend((number, error.message) for number in numbers[:1])
            continue
        plan.events.append((numbers, draft))
    if not table.rows:
        plan.errors.append((table.header_row, _("The file lists no reorganisation.")))
    plan.errors.sort(key=lambda item: item[0])
    return plan


def record_sheet(session, plan, *, actor, today, now):
    """Record the events of a plan without errors (checked again, all or nothing)."""
    if not plan.ok:
        raise DomainError(_("The file has errors; nothing was recorded."), field="file")
    return reorganisations.record(session, plan.drafts, actor=actor, today=today, now=now)


def record_file(session, data, filename, *, actor, today, now):
    """Read the file again and record its events; a plan with errors records nothing."""
    plan = plan_sheet(session, data, filename)
    if plan.ok:
        record_sheet(session, plan, actor=actor, today=today, now=now)
    return plan
