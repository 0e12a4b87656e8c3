"""Import of the service catalog and of monthly usage figures from Excel (.xlsx) or CSV files.

Importing is two steps: ``plan_*`` reads the file and compares it with the database
without writing anything; ``apply_*`` writes a plan that has no errors. A file with
any error writes nothing at all.
"""

import csv
import io
import os
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Tier, Unit, UnitKind
from taskforce.services import audit
from taskforce.services.errors import DomainError
from taskforce.services.text import clean, fold

MAX_FILE_BYTES = 10 * 1024 * 1024
# A small .xlsx can unzip to gigabytes (a "zip bomb"); refuse before parsing.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL_CHARS = 2_000
MAX_COLUMNS = 60
HEADER_ROWS = 10
# Sheets often carry thousands of formatted but empty rows below the data: stop there.
MAX_BLANK_RUN = 1_000
# Keeps IN (...) lists well below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", ";", "\t")

# Column names as folded by _header_key (no accents, lower case, punctuation as spaces).
HEADERS = {
    "code": ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh", "ma dich vu", "ma dvc", "ma so",
             "ma", "code", "service code", "procedure code"),
    "name": ("ten thu tuc", "ten tthc", "ten thu tuc hanh chinh", "ten dich vu cong",
             "ten dich vu", "ten dvc", "name", "service name", "procedure name"),
    "field": ("linh vuc", "field", "sector"),
    "unit": ("co quan thuc hien", "co quan", "don vi", "don vi thuc hien", "unit", "agency"),
    "tier": ("cap thuc hien", "cap", "tier"),
    "level": ("muc do", "muc do dvc", "muc do dvctt", "muc do dich vu cong", "muc", "level"),
    "level_on": ("ngay dat muc", "ngay dat muc do", "ngay dat", "level date", "date"),
    "fee": ("phi le phi", "phi", "le phi", "co thu phi", "thu phi", "fee", "has fee"),
    "month": ("thang", "thang bao cao", "ky bao cao", "month"),
    "total": ("tong so ho so", "tong ho so", "so ho so", "dossiers total", "total dossiers",
              "total"),
    "online": ("ho so truc tuyen", "so ho so truc tuyen", "tong so ho so truc tuyen", "online",
               "online dossiers", "dossiers online"),
    "paid_online": ("thanh toan truc tuyen", "ho so thanh toan truc tuyen",
                    "so ho so thanh toan truc tuyen", "paid online", "dossiers paid online"),
}
_ALIASES = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# How a missing column is named in messages: the names officials use, then the English one.
COLUMN_NAMES = {
    "code": "Mã thủ tục / code", "name": "Tên thủ tục / name", "unit": "Cơ quan thực hiện / unit",
    "level": "Mức độ / level", "month": "Tháng / month", "total": "Tổng số hồ sơ / dossiers total",
    "online": "Hồ sơ trực tuyến / online",
}
LONG_NAMES = {"code": "Mã thủ tục", "name": "Tên thủ tục", "field": "Lĩnh vực"}
CATALOG_COLUMNS = ("code", "name", "unit", "level")
USAGE_COLUMNS = ("month", "code", "total", "online")

TIERS = {
    "tinh": Tier.PROVINCE, "province": Tier.PROVINCE, "provincial": Tier.PROVINCE,
    "huyen": Tier.DISTRICT, "district": Tier.DISTRICT,
    "xa": Tier.COMMUNE, "commune": Tier.COMMUNE,
}
TIER_OF_KIND = {UnitKind.DISTRICT: Tier.DISTRICT, UnitKind.CITY: Tier.DISTRICT,
                UnitKind.COMMUNE: Tier.COMMUNE}
YES = {"co", "x", "1", "yes", "y", "true", "co thu phi", "co phi"}
NO = {"", "khong", "0", "no", "n", "false", "khong thu phi", "mien phi", "khong co", "-"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")

_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_NOTE = re.compile(r"\([^)]*\)")
_COLUMN_NUMBER = re.compile(r"^\(\s*\d{1,2}\s*\)$")
_LEVEL = re.compile(r"^(?:dvc(?:tt)?\s*)?(?:(?:muc\s*do|muc|level)\s*)?(\S+)$")
_MONTH_YEAR = re.compile(r"^(?:thang\s*|t)?(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[/.-]\s*(\d{1,2})$")
_COUNT = re.compile(r"^(?:\d+|\d{1,3}(?:[.,\s]\d{3})+)$")


@dataclass
class Row:
    """One data row: its number in the sheet, its values by column, and reading problems."""

    number: int
    values: dict
    problems: dict = field(default_factory=dict)


@dataclass
class Addition:
    """A service the file adds to the catalog."""

    row: int
    code: str
    name: str
    field: str | None
    unit: Unit
    tier: str
    has_fee: bool
    level: int
    level_on: date | None


@dataclass
class Change:
    """An existing service the file changes: some details and perhaps its level."""

    row: int
    service: Service
    updates: dict
    level: int | None = None
    level_on: date | None = None


@dataclass
class Figures:
    """A service's usage figures for one month, new or replacing ``existing``."""

    row: int
    service: Service
    month: date
    total: int
    online: int
    paid_online: int
    existing: ServiceUsage | None = None


@dataclass
class ImportPlan:
    """What a file would add and change, and every error found in it by row number."""

    kind: str
    filename: str
    header_row: int
    rows: int = 0
    additions: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def has_work(self):
        return bool(self.additions or self.changes)


class _Bad(Exception):
    """A cell that cannot be read; the message says why."""


# Reading the file ----------------------------------------------------------------------------

def not_a_spreadsheet():
    return DomainError(_("This file is not a spreadsheet: upload an Excel workbook (.xlsx) or "
                         "a CSV file."), field="file")


def read_table(data, filename=""):
    """The header row number and the data rows of the first sheet with a recognised header."""
    if not data or not data.strip():
        raise DomainError(_("The file is empty."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("The file is too large: at most %(size)s MB.",
                            size=MAX_FILE_BYTES // (1024 * 1024)), field="file")
    if data.startswith(OLE2_MAGIC):
        raise DomainError(_("This is an old Excel file (.xls) or a workbook with a password. "
                            "Open it in Excel, save it as an Excel Workbook (.xlsx) without a "
                            "password, or as CSV, and import that."), field="file")
    found = _read_xlsx(data) if data.startswith(ZIP_MAGIC) else _read_csv(data)
    if found is None:
        raise DomainError(_("No header row was found in the first %(count)s rows: the file needs "
                            "a row of column names with at least the service code (Mã thủ tục) "
                            "and one other known column.", count=HEADER_ROWS), field="file")
    return found


def _check_archive(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise not_a_spreadsheet() from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise not_a_spreadsheet()
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise DomainError(_("The workbook is too large once unpacked; save only the sheet "
                            "to import, or save it as CSV."), field="file")


def _read_xlsx(data):
    _check_archive(data)
    try:
        # openpyxl parses through defusedxml (installed), so XML entity tricks are refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # whatever breaks the parser on these bytes, the file is unusable
        raise not_a_spreadsheet() from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            found = _table(enumerate(rows, start=1))
            if found is not None:
                return found
        return None
    except DomainError:
        raise
    except Exception:  # a damaged sheet shows up only while it is read
        raise not_a_spreadsheet() from None
    finally:
        book.close()


def _decode(data):
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 or Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif b"\x00" in data:
        raise not_a_spreadsheet()
    else:
        encodings = ("utf-8-sig", "cp1258")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in text):
            raise not_a_spreadsheet()
        return text
    raise not_a_spreadsheet()


def _csv_rows(text, delimiter):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell[:MAX_CELL_CHARS + 1] for cell in cells[:MAX_COLUMNS]]
    except csv.Error:
        raise DomainError(_("Row %(row)s of the CSV file cannot be read (a quote is not closed, "
                            "or a cell is far too long).", row=number + 1), field="file") from None


def _read_csv(data):
    text = _decode(data)
    head = text.splitlines()[:HEADER_ROWS * 4]
    # The delimiter that makes the best header row wins (comma, semicolon or tab).
    best = max(DELIMITERS, key=lambda d: _best_header_score(_csv_rows("\n".join(head), d)))
    return _table(_csv_rows(text, best))


def _header_key(value):
    return _PUNCTUATION.sub(" ", _NOTE.sub(" ", fold(_text(value)))).strip()


def _header_columns(cells):
    """{column index: (column key, header text)} of the cells that name a known column."""
    columns = {}
    for index, cell in enumerate(cells):
        key = _ALIASES.get(_header_key(cell))
        if key is not None and key not in (k for k, _h in columns.values()):
            columns[index] = (key, _text(cell))
    return columns


def _is_header(columns):
    keys = {key for key, _h in columns.values()}
    return "code" in keys and len(keys) >= 2


def _best_header_score(rows):
    try:
        scores = [len(c) for c in map(_header_columns, (cells for _n, cells in rows))
                  if _is_header(c)]
    except DomainError:
        return 0
    return max(scores, default=0)


def _table(rows):
    rows = iter(rows)
    head = list(islice(rows, HEADER_ROWS))
    for index, (number, cells) in enumerate(head):
        columns = _header_columns(cells)
        if _is_header(columns):
            return number, _data_rows(columns, chain(head[index + 1:], rows))
    return None


def _data_rows(columns, rows):
    found, blank_run = [], 0
    for number, cells in rows:
        row = _row(number, columns, cells)
        if row is None:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        found.append(row)
        if len(found) > MAX_ROWS:
            raise DomainError(_("The file has more than %(count)s rows of data; split it into "
                                "smaller files.", count=f"{MAX_ROWS:,}"), field="file")
    if not found:
        raise DomainError(_("The file has no data below its header row."), field="file")
    return found


def _row(number, columns, cells):
    """The row's values by column key, or None for a blank or column-numbering row."""
    values, problems = {}, {}
    for index, (key, header) in columns.items():
        value = cells[index] if index < len(cells) else None
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and len(value) > MAX_CELL_CHARS:
                problems[key] = _("The cell under %(column)s is longer than %(count)s "
                                  "characters.", column=header, count=f"{MAX_CELL_CHARS:,}")
                value = None
        values[key] = value
    filled = [v for v in values.values() if v is not None]
    if not filled and not problems:
        return None
    # Official tables often number their columns "(1) (2) (3)" just below the header.
    if filled and all(isinstance(v, str) and _COLUMN_NUMBER.match(v) for v in filled):
        return None
    return Row(number, values, problems)


def _require(rows, header_row, keys):
    missing = [COLUMN_NAMES[k] for k in keys if k not in rows[0].values]
    if missing:
        raise DomainError(_("The header row (row %(row)s) lacks these columns: %(columns)s.",
                            row=header_row, columns=", ".join(missing)), field="file")


# Reading cells -------------------------------------------------------------------------------

def _text(value):
    """A cell as clean NFC text; whole numbers without ".0"; dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    return clean(str(value))


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_level(value):
    """1-4 from 4, "4", "Mức độ 4", "Mức 4", "DVC mức độ 4" or "Level 4"."""
    shown = _text(value)
    if not shown:
        raise _Bad(_("The level is missing."))
    if _number(value):
        number = float(value)
    else:
        match = _LEVEL.match(fold(shown))
        try:
            number = float(match.group(1).replace(",", ".")) if match else None
        except ValueError:
            number = None
        if number is None:
            raise _Bad(_("The level \"%(value)s\" is not a number from 1 to 4.", value=shown))
    if not number.is_integer() or not 1 <= number <= 4:
        raise _Bad(_("The level must be from 1 to 4, not %(value)s.", value=shown))
    return int(number)


def parse_date(value, *, today, label):
    """A date from an Excel date, dd/mm/yyyy or yyyy-mm-dd; None when blank; never future."""
    if value is None or value == "":
        return None
    day = _as_date(value)
    if day is None:
        raise _Bad(_("%(column)s \"%(value)s\" is not a date (write dd/mm/yyyy).",
                     column=label, value=_text(value)))
    if day > today:
        raise _Bad(_("%(column)s %(value)s is in the future.", column=label,
                     value=day.strftime("%d/%m/%Y")))
    return day


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Only serials of 1954-2119 count: a small number in a date column is a typo, not 1900.
    if _number(value) and 20_000 <= value <= 80_000:
        return from_excel(value).date()
    text = _text(value)
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d", text) else text
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_month(value, *, today):
    """The first day of the month given as 08/2020, 2020-08, Tháng 8/2020 or a date."""
    text = fold(_text(value))
    if not text:
        raise _Bad(_("The month is missing."))
    month = None
    for pattern, order in ((_MONTH_YEAR, (1, 2)), (_YEAR_MONTH, (2, 1))):
        match = pattern.match(text)
        if match:
            number, year = int(match.group(order[0])), int(match.group(order[1]))
            month = date(year, number, 1) if 1 <= number <= 12 and year >= 1900 else None
            break
    else:
        day = _as_date(value)
        month = day.replace(day=1) if day is not None else None
    if month is None:
        raise _Bad(_("The month \"%(value)s\" is not understood (write mm/yyyy).",
                     value=_text(value)))
    if month > today:
        raise _Bad(_("The month %(value)s is in the future.", value=month.strftime("%m/%Y")))
    return month


def parse_count(value, *, label):
    """A whole number of zero or more (thousands may be grouped: 1.234 or 1,234)."""
    if _number(value):
        if float(value).is_integer() and value >= 0:
            return int(value)
    else:
        text = _text(value)
        if _COUNT.match(text):
            return int(re.sub(r"\D", "", text))
    raise _Bad(_("%(column)s must be a whole number of zero or more, not \"%(value)s\".",
                 column=label, value=_text(value)))


def parse_fee(value):
    """Whether a fee is charged: Có / x / 1 / yes, Không / 0 / no / blank, or an amount."""
    if isinstance(value, bool):
        return value
    if _number(value):
        return value != 0
    text = fold(_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits) > 0
    raise _Bad(_("The fee column says \"%(value)s\": write Có or Không.", value=_text(value)))


def parse_tier(value):
    """The tier (province, district, commune) from "Cấp tỉnh", "Huyện", "commune"...; or None."""
    text = fold(_text(value))
    if not text:
        return None
    text = re.sub(r"^cap\s+", "", text)
    text = re.sub(r"\s+level$", "", text)
    if text in TIERS:
        return TIERS[text]
    raise _Bad(_("The tier \"%(value)s\" is not understood (write Cấp tỉnh, Cấp huyện or "
                 "Cấp xã).", value=_text(value)))


# Looking things up ---------------------------------------------------------------------------

def _chunks(items):
    items = sorted(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _unit_finder(session):
    """Match a unit as find_by_name_or_code does (code, else name without accents), in memory."""
    units = session.scalars(select(Unit)).all()
    by_code = {fold(u.code): u for u in units}
    by_name = {fold(u.name): u for u in units}
    return lambda text: by_code.get(fold(text)) or by_name.get(fold(text))


def _services_by_code(session, codes):
    found = defaultdict(list)
    for chunk in _chunks(codes):
        for service in session.scalars(select(Service).where(Service.code.in_(chunk))):
            found[service.code].append(service)
    return found


def _with_pending(session, service_ids):
    found = set()
    for chunk in _chunks(service_ids):
        found.update(session.scalars(
            select(LevelChange.service_id).where(LevelChange.service_id.in_(chunk),
                                                 LevelChange.status == ClaimStatus.PENDING)))
    return found


def _latest_verified_on(session, service_ids):
    latest = {}
    for chunk in _chunks(service_ids):
        latest.update(session.execute(
            select(LevelChange.service_id, func.max(LevelChange.effective_on))
            .where(LevelChange.service_id.in_(chunk), LevelChange.status == ClaimStatus.VERIFIED)
            .group_by(LevelChange.service_id)).tuples().all())
    return latest


def _display_name(filename):
    return (clean(os.path.basename((filename or "").replace("\\", "/"))) or "")[:200]


def _read(data, filename, kind, required):
    header_row, rows = read_table(data, filename)
    _require(rows, header_row, required)
    return ImportPlan(kind=kind, filename=_display_name(filename), header_row=header_row,
                      rows=len(rows)), rows


# The catalog ---------------------------------------------------------------------------------

def _catalog_values(row, find_unit, today):
    """The row's parsed values, or raise _Bad listing every problem of the row."""
    values, problems = row.values, list(row.problems.values())
    parsed = {"code": _text(values.get("code")), "name": _text(values.get("name")),
              "field": _text(values.get("field")) or None}
    unit_text = _text(values.get("unit"))
    for key, message, limit in (
        ("code", _("The code (Mã thủ tục) is missing."), 60),
        ("name", _("The name (Tên thủ tục) is missing."), 500),
        ("field", None, 200),
    ):
        if key in row.problems:
            continue
        if message and not parsed[key]:
            problems.append(message)
        elif parsed[key] and len(parsed[key]) > limit:
            problems.append(_("The value under %(column)s is longer than %(count)s characters.",
                              column=LONG_NAMES[key], count=limit))
    parsed["unit"] = find_unit(unit_text) if unit_text else None
    if not unit_text and "unit" not in row.problems:
        problems.append(_("The unit (Cơ quan thực hiện) is missing."))
    elif unit_text and parsed["unit"] is None:
        problems.append(_("Unknown unit \"%(unit)s\": no unit has this name or code.",
                          unit=unit_text))
    problems += _parse_all(row, parsed, (
        ("level", "level", lambda: parse_level(values.get("level"))),
        ("level_on", "level_on", lambda: parse_date(values.get("level_on"), today=today,
                                                    label=_("The level date"))),
        ("tier", "tier", lambda: parse_tier(values.get("tier"))),
        ("has_fee", "fee", lambda: parse_fee(values.get("fee")) if "fee" in values else None),
    ))
    if problems:
        raise _Bad(*problems)
    return parsed


def _parse_all(row, parsed, parsers):
    """Fill ``parsed`` from ``(key, column, parse)``; return the problems met."""
    problems = []
    for key, column, parse in parsers:
        if column in row.problems:
            continue
        try:
            parsed[key] = parse()
        except _Bad as bad:
            problems.append(str(bad))
    return problems


def _catalog_entry(row, parsed, service, today):
    """An Addition, a Change, or None when the service already matches the row."""
    unit = parsed["unit"]
    if service is None:
        return Addition(row=row.number, code=parsed["code"], name=parsed["name"],
                        field=parsed["field"], unit=unit,
                        tier=parsed["tier"] or TIER_OF_KIND.get(unit.kind, Tier.PROVINCE),
                        has_fee=bool(parsed["has_fee"]), level=parsed["level"],
                        level_on=parsed["level_on"])
    updates = {}
    for key in ("name", "field", "tier", "has_fee"):
        new = parsed[key]
        if new is not None and new != getattr(service, key):
            updates[key] = (getattr(service, key), new)
    change = Change(row=row.number, service=service, updates=updates)
    if parsed["level"] != service.level:
        change.level = parsed["level"]
        change.level_on = parsed["level_on"] or today
    return change if (updates or change.level is not None) else None


def plan_catalog_import(session, data, filename="", *, today, verified=True):
    """Read a catalog file and say what it would add and change; write nothing."""
    plan, rows = _read(data, filename, "catalog", CATALOG_COLUMNS)
    find_unit = _unit_finder(session)
    existing = _services_by_code(session, {_text(r.values.get("code")) for r in rows})
    pending = set() if verified else _with_pending(
        session, [s.id for services in existing.values() for s in services])
    seen = {}
    for row in rows:
        repeated = _repeated(row, find_unit, seen)
        try:
            parsed = _catalog_values(row, find_unit, today)
        except _Bad as bad:
            plan.errors.extend((row.number, message) for message in (*bad.args, *repeated))
            continue
        if repeated:
            plan.errors.extend((row.number, message) for message in repeated)
            continue
        service = next((s for s in existing.get(parsed["code"], ())
                        if s.unit_id == parsed["unit"].id), None)
        entry = _catalog_entry(row, parsed, service, today)
        if entry is None:
            plan.unchanged += 1
        elif isinstance(entry, Addition):
            plan.additions.append(entry)
        elif entry.level is not None and service.id in pending:
            plan.errors.append((row.number, _(
                "The service %(code)s already has a level claim awaiting verification; verify "
                "or return it first.", code=service.code)))
        else:
            plan.changes.append(entry)
    return plan


def _repeated(row, find_unit, seen):
    """A message when the row's code and unit were on an earlier row (even a faulty one)."""
    code, unit_text = _text(row.values.get("code")), _text(row.values.get("unit"))
    unit = find_unit(unit_text) if code and unit_text else None
    if unit is None:
        return []
    first = seen.setdefault((code, unit.id), row.number)
    if first == row.number:
        return []
    return [_("The code %(code)s for %(unit)s is already on row %(row)s.", code=code,
              unit=unit.name, row=first)]


def _add_services(session, plan, *, actor_id, today, now):
    services = []
    for addition in plan.additions:
        service = Service(code=addition.code, name=addition.name, name_key=fold(addition.name),
                          field=addition.field, unit_id=addition.unit.id, tier=addition.tier,
                          has_fee=addition.has_fee, level=addition.level)
        session.add(service)
        services.append(service)
    session.flush()
    for addition, service in zip(plan.additions, services, strict=True):
        session.add(LevelChange(
            service_id=service.id, from_level=None, to_level=addition.level,
            effective_on=addition.level_on or today, status=ClaimStatus.VERIFIED,
            source="initial", claimed_by_id=actor_id, claimed_at=now,
            verified_by_id=actor_id, verified_at=now))


def _change_level(session, change, *, actor_id, verified, now, latest_on):
    service = change.service
    level_change = LevelChange(
        service_id=service.id, from_level=service.level, to_level=change.level,
        effective_on=change.level_on, source="import", claimed_by_id=actor_id, claimed_at=now,
        status=ClaimStatus.VERIFIED if verified else ClaimStatus.PENDING)
    if verified:
        level_change.verified_by_id = actor_id
        level_change.verified_at = now
        # The service's level is its latest verified change; an older date is history only.
        if latest_on is None or latest_on <= change.level_on:
            service.level = change.level
    session.add(level_change)


def apply_catalog_import(session, plan, *, actor, verified, today, now):
    """Write a plan without errors: new services with their level, changes, level changes."""
    if not plan.ok:
        raise DomainError(_("The file has errors, so nothing was imported."), field="file")
    actor_id = getattr(actor, "id", None)
    try:
        _add_services(session, plan, actor_id=actor_id, today=today, now=now)
        latest = _latest_verified_on(
            session, [c.service.id for c in plan.changes if c.level is not None])
        for change in plan.changes:
            for key, (_old, new) in change.updates.items():
                setattr(change.service, key, new)
            if "name" in change.updates:
                change.service.name_key = fold(change.service.name)
            if change.level is not None:
                _change_level(session, change, actor_id=actor_id, verified=verified, now=now,
                              latest_on=latest.get(change.service.id))
        counts = {"added": len(plan.additions), "updated": len(plan.changes),
                  "level_changes": sum(c.level is not None for c in plan.changes),
                  "verified": bool(verified)}
        audit.record(session, actor, "catalog.import", None, now=now, changes=counts,
                     summary=_("%(file)s: %(added)s added, %(updated)s updated.",
                               file=plan.filename, added=counts["added"],
                               updated=counts["updated"]))
        session.flush()
    except IntegrityError:
        raise DomainError(_("The catalog changed while importing; nothing was imported. "
                            "Try again."), field="file") from None
    return counts


# Usage figures -------------------------------------------------------------------------------

def _usage_values(row, find_unit, services, today):
    values, parsed = row.values, {}
    problems = list(row.problems.values()) + _parse_all(row, parsed, (
        ("month", "month", lambda: parse_month(values.get("month"), today=today)),
        ("total", "total", lambda: parse_count(values.get("total"), label=_("The total"))),
        ("online", "online", lambda: parse_count(values.get("online") or 0,
                                                 label=_("Online dossiers"))),
        ("paid_online", "paid_online", lambda: parse_count(values.get("paid_online") or 0,
                                                           label=_("Dossiers paid online"))),
        ("service", "code", lambda: _usage_service(values, find_unit, services)),
    ))
    if "total" in parsed and "online" in parsed and parsed["online"] > parsed["total"]:
        problems.append(_("Online dossiers (%(online)s) cannot be more than the total "
                          "(%(total)s).", online=parsed["online"], total=parsed["total"]))
    if "online" in parsed and "paid_online" in parsed \
            and parsed["paid_online"] > parsed["online"]:
        problems.append(_("Dossiers paid online (%(paid)s) cannot be more than the online "
                          "dossiers (%(online)s).", paid=parsed["paid_online"],
                          online=parsed["online"]))
    if problems:
        raise _Bad(*problems)
    return parsed


def _usage_service(values, find_unit, services):
    code, unit_text = _text(values.get("code")), _text(values.get("unit"))
    if not code:
        raise _Bad(_("The code (Mã thủ tục) is missing."))
    candidates = services.get(code, [])
    if unit_text:
        unit = find_unit(unit_text)
        if unit is None:
            raise _Bad(_("Unknown unit \"%(unit)s\": no unit has this name or code.",
                         unit=unit_text))
        candidates = [s for s in candidates if s.unit_id == unit.id]
    if not candidates:
        raise _Bad(_("No service in the catalog has the code %(code)s.", code=code) if not
                   unit_text else _("No service of %(unit)s has the code %(code)s.",
                                    unit=unit_text, code=code))
    if len(candidates) > 1:
        raise _Bad(_("Several units have a service with the code %(code)s (%(units)s): add "
                     "the unit column.", code=code,
                     units=", ".join(s.unit.name for s in candidates)))
    return candidates[0]


def _existing_usage(session, figures):
    months = {f.month for f in figures}
    found = {}
    for chunk in _chunks({f.service.id for f in figures}):
        for usage in session.scalars(select(ServiceUsage).where(
                ServiceUsage.service_id.in_(chunk), ServiceUsage.month.in_(months))):
            found[(usage.service_id, usage.month)] = usage
    return found


def _classify_usage(plan, figures, existing):
    for entry in figures:
        entry.existing = existing.get((entry.service.id, entry.month))
        if entry.existing is None:
            plan.additions.append(entry)
        elif (entry.existing.dossiers_total, entry.existing.dossiers_online,
              entry.existing.dossiers_paid_online) != (entry.total, entry.online,
                                                        entry.paid_online):
            plan.changes.append(entry)
        else:
            plan.unchanged += 1


def plan_usage_import(session, data, filename="", *, today):
    """Read a usage file (month, code, dossiers) and say what it would add or replace."""
    plan, rows = _read(data, filename, "usage", USAGE_COLUMNS)
    find_unit = _unit_finder(session)
    services = _services_by_code(session, {_text(r.values.get("code")) for r in rows})
    figures, seen = [], {}
    for row in rows:
        try:
            parsed = _usage_values(row, find_unit, services, today)
        except _Bad as bad:
            plan.errors.extend((row.number, message) for message in bad.args)
            continue
        key = (parsed["service"].id, parsed["month"])
        if key in seen:
            plan.errors.append((row.number, _(
                "The figures of %(code)s for %(month)s are already on row %(row)s.",
                code=parsed["service"].code, month=parsed["month"].strftime("%m/%Y"),
                row=seen[key])))
            continue
        seen[key] = row.number
        figures.append(Figures(row=row.number, service=parsed["service"], month=parsed["month"],
                               total=parsed["total"], online=parsed["online"],
                               paid_online=parsed["paid_online"]))
    _classify_usage(plan, figures, _existing_usage(session, figures) if figures else {})
    return plan


def apply_usage_import(session, plan, *, actor, now):
    """Write a usage plan without errors: one row per service and month, added or replaced."""
    if not plan.ok:
        raise DomainError(_("The file has errors, so nothing was imported."), field="file")
    for entry in plan.additions:
        session.add(ServiceUsage(service_id=entry.service.id, month=entry.month,
                                 dossiers_total=entry.total, dossiers_online=entry.online,
                                 dossiers_paid_online=entry.paid_online))
    for entry in plan.changes:
        entry.existing.dossiers_total = entry.total
        entry.existing.dossiers_online = entry.online
        entry.existing.dossiers_paid_online = entry.paid_online
    counts = {"added": len(plan.additions), "updated": len(plan.changes)}
    audit.record(session, actor, "usage.import", None, now=now, changes=counts,
                 summary=_("%(file)s: %(added)s added, %(updated)s updated.",
                           file=plan.filename, added=counts["added"], updated=counts["updated"]))
    try:
        session.flush()
    except IntegrityError:
        raise DomainError(_("The usage figures changed while importing; nothing was "
                            "imported. Try again."), field="file") from None
    return counts


def import_file(session, kind, data, filename="", *, actor, verified, today, now):
    """Plan the import of ``data`` and write it when the plan has no errors; return the plan."""
    if kind == "usage":
        plan = plan_usage_import(session, data, filename, today=today)
        if plan.ok:
            apply_usage_import(session, plan, actor=actor, now=now)
        return plan
    plan = plan_catalog_import(session, data, filename, today=today, verified=verified)
    if plan.ok:
        apply_catalog_import(session, plan, actor=actor, verified=verified, today=today, now=now)
    return plan
