"""Safe reading of spreadsheets (.xlsx or CSV) into numbered rows, and parsers for their cells.

An import describes its columns with ``Columns``; ``read_table`` finds the header row near
the top of the first sheet that has one and returns the rows below it, each cell under its
column's key, within the limits below. The cell parsers raise ``CellError`` with a message
for the row; ``RowErrors`` collects them by row number. openpyxl is imported when a
workbook is read, not with the application.

``sheet_limits.Limits`` (columns per row, rows per sheet, cells in all) are counted while the
file streams, before openpyxl or the csv module builds a row.
"""

import csv
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, islice

from flask_babel import gettext as _

from taskforce.services.errors import DomainError
from taskforce.services.online_classes import parse_class
from taskforce.services.sheet_limits import (
    Limits,
    Unreadable,
    count_workbook,
    csv_records,
    too_large,
)
from taskforce.services.text import clean, fold

MAX_FILE_BYTES = 10 * 1024 * 1024
# A small .xlsx can unzip to gigabytes (a "zip bomb"); refuse before parsing.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_CELL_CHARS = 2_000
HEADER_ROWS = 10
# Sheets often carry thousands of formatted but empty rows below the data: stop there.
MAX_BLANK_RUN = 1_000

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", ";", "\t")

YES = {"co", "x", "1", "yes", "y", "true"}
NO = {"", "khong", "0", "no", "n", "false", "khong co", "-"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")

_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_NOTE = re.compile(r"\([^)]*\)")
_COLUMN_NUMBER = re.compile(r"^\(\s*\d{1,2}\s*\)$")
_MONTH_YEAR = re.compile(r"^(?:thang\s*|t)?(\d{1,2})\s*[/.-]\s*(\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[/.-]\s*(\d{1,2})$")
_COUNT = re.compile(r"^(?:\d+|\d{1,3}(?:[.,\s]\d{3})+)$")


class CellError(Exception):
    """A cell, or a row, that cannot be read; the arguments are the messages saying why."""


class Columns:
    """The columns a kind of sheet may have, and what makes a row its header.

    ``aliases`` gives each column key its header texts as ``header_key`` writes them; a
    header row names ``anchor`` and at least one other column; ``labels`` name required
    columns in messages; ``no_header`` is the message when no row is a header.
    """

    def __init__(self, aliases, *, anchor, labels, no_header):
        self.by_alias = {alias: key for key, names in aliases.items() for alias in names}
        self.anchor, self.labels, self.no_header = anchor, labels, no_header


@dataclass
class Row:
    """One data row: its number in the sheet, its values by column, and reading problems."""

    number: int
    values: dict
    problems: dict = field(default_factory=dict)


@dataclass
class Table:
    """The header row's number and the data rows below it."""

    header_row: int
    rows: list


class RowErrors(list):
    """``(row number, message)`` pairs: every problem of a file, in the order found."""

    def add(self, row, *messages):
        self.extend((row.number, message) for message in messages)


def parse_cells(row, parsers):
    """``(values, problems)``: each ``(key, column, parse)`` run unless its cell was unreadable."""
    values, problems = {}, []
    for key, column, parse in parsers:
        if column in row.problems:
            continue
        try:
            values[key] = parse()
        except CellError as error:
            problems.append(str(error))
    return values, problems


def display_name(filename):
    """The uploaded file's own name, without its folders, as it may be shown and stored."""
    return (clean(os.path.basename((filename or "").replace("\\", "/"))) or "")[:200]


# Reading the file ----------------------------------------------------------------------------

def not_a_spreadsheet():
    return DomainError(_("This file is not a spreadsheet: upload an Excel workbook (.xlsx) or "
                         "a CSV file."), field="file")


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_table(data, columns, *, required=(), limits=None, filename=""):
    """The first sheet with a header row of ``columns``: a Table, with ``required`` columns.

    A file named as a workbook (``filename``) that is not one is no spreadsheet at all,
    rather than a CSV file without its header row."""
    limits = _check_file(data, filename, limits)
    read = _read_xlsx if data.startswith(ZIP_MAGIC) else _read_csv
    table = read(data, columns, limits)
    if table is None:
        raise DomainError(str(columns.no_header), field="file")
    missing = [columns.labels[key] for key in required if key not in table.rows[0].values]
    if missing:
        raise DomainError(_("The header row (row %(row)s) lacks these columns: %(columns)s.",
                            row=table.header_row, columns=", ".join(missing)), field="file")
    return table


def read_sheets(data, columns, *, limits=None, filename=""):
    """``[(sheet title, Table)]`` of every sheet with a header row of ``columns`` (a CSV
    file is one sheet without a title); an empty list when none has one."""
    limits = _check_file(data, filename, limits)
    if not data.startswith(ZIP_MAGIC):
        table = _read_csv(data, columns, limits)
        return [] if table is None else [("", table)]
    return list(_xlsx_tables(data, columns, limits))


def _check_file(data, filename, limits):
    """Refuse an empty, too large, old-Excel or falsely named file; the limits to read it by."""
    if not data or not data.strip():
        raise DomainError(_("The file is empty."), field="file")
    if len(data) > MAX_FILE_BYTES:
        raise DomainError(_("The file is too large: at most %(size)s MB.",
                            size=MAX_FILE_BYTES // (1024 * 1024)), field="file")
    if data.startswith(OLE2_MAGIC):
        raise DomainError(_("This is an old Excel file (.xls) or a workbook with a password. "
                            "Open it in Excel, save it as an Excel Workbook (.xlsx) without a "
                            "password, or as CSV, and import that."), field="file")
    if not data.startswith(ZIP_MAGIC) and filename.lower().endswith(EXCEL_SUFFIXES):
        raise not_a_spreadsheet()
    return limits or Limits.configured()


def _check_archive(data, limits):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if "xl/workbook.xml" not in {m.filename for m in members}:
                raise not_a_spreadsheet()
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise too_large()
            count_workbook(archive, members, limits)
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, Unreadable):
        raise not_a_spreadsheet() from None


def _read_xlsx(data, columns, limits):
    tables = _xlsx_tables(data, columns, limits)
    try:
        return next((table for _title, table in tables), None)
    finally:
        tables.close()


def _xlsx_tables(data, columns, limits):
    """``(sheet title, Table)`` of each sheet with a header row, read as asked for."""
    from openpyxl import load_workbook

    _check_archive(data, limits)
    try:
        # openpyxl parses through defusedxml (installed), so XML entity tricks are refused.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # whatever breaks the parser on these bytes, the file is unusable
        raise not_a_spreadsheet() from None
    try:
        for sheet in book.worksheets:
            # Both bounds given, so that a declared dimension (A1:XFD1048576) sizes nothing.
            rows = sheet.iter_rows(values_only=True, max_col=limits.columns,
                                   max_row=limits.rows)
            found = _table(enumerate(rows, start=1), columns)
            if found is not None:
                yield sheet.title, found
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
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n" for ch in decoded):
            raise not_a_spreadsheet()
        return decoded
    raise not_a_spreadsheet()


def _csv_rows(content, delimiter, limits):
    reader = csv.reader(csv_records(content, delimiter, limits), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell[:MAX_CELL_CHARS + 1] for cell in cells]
    except csv.Error:
        raise DomainError(_("Row %(row)s of the CSV file cannot be read (a quote is not closed, "
                            "or a cell is far too long).", row=number + 1), field="file") from None


def _read_csv(data, columns, limits):
    content = _decode(data)
    head = "".join(islice(io.StringIO(content, newline=""), HEADER_ROWS * 4))
    # The delimiter that makes the best header row wins (comma, semicolon or tab).
    best = max(DELIMITERS, key=lambda d: _best_header_score(_csv_rows(head, d, limits), columns))
    return _table(_csv_rows(content, best, limits), columns)


# The header row ------------------------------------------------------------------------------

def header_key(value):
    """A header cell as aliases are written: no accents or notes, lower case, plain spaces."""
    return _PUNCTUATION.sub(" ", _NOTE.sub(" ", fold(text(value)))).strip()


def _header_columns(cells, columns):
    """{column index: (column key, header text)} of the cells that name a known column."""
    found = {}
    for index, cell in enumerate(cells):
        key = columns.by_alias.get(header_key(cell))
        if key is not None and key not in (k for k, _h in found.values()):
            found[index] = (key, text(cell))
    return found


def _is_header(found, columns):
    keys = {key for key, _h in found.values()}
    return columns.anchor in keys and len(keys) >= 2


def _best_header_score(rows, columns):
    try:
        scores = [len(found) for found in (_header_columns(cells, columns) for _n, cells in rows)
                  if _is_header(found, columns)]
    except DomainError:
        return 0
    return max(scores, default=0)


def _table(rows, columns):
    rows = iter(rows)
    head = list(islice(rows, HEADER_ROWS))
    for index, (number, cells) in enumerate(head):
        found = _header_columns(cells, columns)
        if _is_header(found, columns):
            return Table(number, _data_rows(found, chain(head[index + 1:], rows)))
    return None


# The rows below it ---------------------------------------------------------------------------

def _data_rows(found, rows):
    kept, blank_run = [], 0
    for number, cells in rows:
        row = _row(number, found, cells)
        if row is None:
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        kept.append(row)
    if not kept:
        raise DomainError(_("The file has no data below its header row."), field="file")
    return kept


def _row(number, found, cells):
    """The row's values by column key, or None for a blank or column-numbering row."""
    values, problems = {}, {}
    for index, (key, header) in found.items():
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


# Reading cells -------------------------------------------------------------------------------

def text(value):
    """A cell as clean NFC text; whole numbers without ".0"; dates as yyyy-mm-dd."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    return clean(str(value))


def is_number(value):
    """Whether the cell holds a number (a bool is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_level(value):
    """The level (1-4) a cell names in either vocabulary: "Mức độ 4", "DVCTT toàn trình"..."""
    shown = text(value)
    if not shown:
        raise CellError(_("The level is missing."))
    level = parse_class(value)
    if level is None:
        raise CellError(_("The level \"%(value)s\" is not understood: write Mức độ 1 to 4, "
                          "Toàn trình or Một phần.", value=shown))
    return level


def parse_date(value, *, today, label):
    """A date from an Excel date, dd/mm/yyyy or yyyy-mm-dd; None when blank; never future."""
    if value is None or value == "":
        return None
    day = as_date(value)
    if day is None:
        raise CellError(_("%(column)s \"%(value)s\" is not a date (write dd/mm/yyyy).",
                          column=label, value=text(value)))
    if day > today:
        raise CellError(_("%(column)s %(value)s is in the future.", column=label,
                          value=day.strftime("%d/%m/%Y")))
    return day


def as_date(value):
    """The date a cell holds in any of DATE_FORMATS or as an Excel date, or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Only serials of 1954-2119 count: a small number in a date column is a typo, not 1900.
    if is_number(value) and 20_000 <= value <= 80_000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    shown = text(value)
    shown = shown[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d", shown) else shown
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(shown, fmt).date()
        except ValueError:
            continue
    return None


def parse_month(value, *, today):
    """The first day of the month given as 08/2020, 2020-08, Tháng 8/2020 or a date."""
    folded = fold(text(value))
    if not folded:
        raise CellError(_("The month is missing."))
    month = None
    for pattern, order in ((_MONTH_YEAR, (1, 2)), (_YEAR_MONTH, (2, 1))):
        match = pattern.match(folded)
        if match:
            number, year = int(match.group(order[0])), int(match.group(order[1]))
            month = date(year, number, 1) if 1 <= number <= 12 and year >= 1900 else None
            break
    else:
        day = as_date(value)
        month = day.replace(day=1) if day is not None else None
    if month is None:
        raise CellError(_("The month \"%(value)s\" is not understood (write mm/yyyy).",
                          value=text(value)))
    if month > today:
        raise CellError(_("The month %(value)s is in the future.",
                          value=month.strftime("%m/%Y")))
    return month


def parse_count(value, *, label):
    """A whole number of zero or more (thousands may be grouped: 1.234 or 1,234)."""
    if is_number(value):
        if float(value).is_integer() and value >= 0:
            return int(value)
    else:
        shown = text(value)
        if _COUNT.match(shown):
            return int(re.sub(r"\D", "", shown))
    raise CellError(_("%(column)s must be a whole number of zero or more, not \"%(value)s\".",
                      column=label, value=text(value)))


def yes_or_no(value, *, yes=YES, no=NO):
    """True or False from a bool, a number, or a word of ``yes`` or ``no``; else None."""
    if isinstance(value, bool):
        return value
    if is_number(value):
        return value != 0
    folded = fold(text(value))
    if folded in yes:
        return True
    if folded in no:
        return False
    return None
