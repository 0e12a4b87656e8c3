"""How much of an imported spreadsheet is read: columns per row, rows per sheet, cells in all.

The limits are counted while the file streams, before a row is built. openpyxl builds a
whole row in memory before it hands it over (and the csv module a whole record), so a row of
millions of cells, a few kilobytes once compressed, must be refused before either reads it:
a workbook's XML parts are counted element by element through expat, a CSV file is cut into
records by counting its delimiters. A limit passed is a ``DomainError`` naming it.
"""

import re
from dataclasses import dataclass
from xml.parsers import expat

from flask import current_app, has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _

from taskforce.services.errors import DomainError

CHUNK_BYTES = 64 * 1024
# openpyxl keeps in memory a whole row (every element in it is read as a cell or a part of
# one), a whole shared string, and every element outside rows and shared strings (styles,
# merged ranges, links...). Elements a row may hold per column allowed (a cell, its value,
# the runs of rich text), elements of one shared string, elements outside both in all:
ROW_ELEMENTS_PER_COLUMN = 100
STRING_ELEMENTS = 1_000
# Shared strings in all: a quarter of the cells allowed (500,000 by default, ~75 MB).
STRINGS_PER_CELL = 4
OTHER_ELEMENTS = 250_000
# A CSV field that opens with a quote runs to the quote that closes it ("" is a quote inside).
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')


class Unreadable(Exception):
    """A part of the file that no spreadsheet has (an XML entity declaration)."""


@dataclass(frozen=True)
class Limits:
    """How much of a file an import reads: columns per row, rows per sheet, cells in all."""

    columns: int = 200
    rows: int = 100_000
    cells: int = 2_000_000

    @classmethod
    def configured(cls):
        """The limits IMPORT_MAX_COLUMNS, IMPORT_MAX_ROWS and IMPORT_MAX_CELLS set, else these."""
        config = current_app.config if has_app_context() else {}
        return cls(columns=int(config.get("IMPORT_MAX_COLUMNS", cls.columns)),
                   rows=int(config.get("IMPORT_MAX_ROWS", cls.rows)),
                   cells=int(config.get("IMPORT_MAX_CELLS", cls.cells)))


def _number(count):
    return format_decimal(count, "#,##0") if has_app_context() else f"{count:,}"


def too_large():
    return DomainError(_("The workbook is too large once unpacked; save only the sheet to "
                         "import, or save it as CSV."), field="file")


class Counter:
    """Rows, the cells of the current row and cells in all, refused past a limit."""

    def __init__(self, limits):
        self.limits, self.cells, self.rows, self.row_cells = limits, 0, 0, 0
        self.others = self.strings = 0

    def start_sheet(self):
        self.rows = self.row_cells = 0

    def row(self):
        self.rows, self.row_cells = self.rows + 1, 0
        if self.rows > self.limits.rows:
            raise DomainError(_("The file has too many rows: at most %(n)s rows.",
                                n=_number(self.limits.rows)), field="file")

    def cell(self):
        self.row_cells += 1
        if self.row_cells > self.limits.columns:
            raise DomainError(_("The file has too many columns: at most %(n)s columns.",
                                n=_number(self.limits.columns)), field="file")
        self.cells += 1
        if self.cells > self.limits.cells:
            raise DomainError(_("The file has too many cells: at most %(n)s cells.",
                                n=_number(self.limits.cells)), field="file")

    def string(self):
        """A shared string: openpyxl keeps the table whole (some 150 bytes and 25 µs each)."""
        self.strings += 1
        if self.strings > self.limits.cells // STRINGS_PER_CELL:
            raise too_large()

    def other(self):
        """An element outside rows and shared strings (openpyxl keeps them all)."""
        self.others += 1
        if self.others > OTHER_ELEMENTS:
            raise too_large()


def count_workbook(archive, members, limits):
    """Count every part of an .xlsx ``archive``; raise at the first limit passed."""
    counter = Counter(limits)
    for member in members:
        _count_part(archive, member, counter)


def _count_part(archive, member, counter):
    """Stream one part through expat, counting its rows, their cells and shared strings.

    Every part is counted, whatever its name, since a workbook may point a sheet at any part,
    and every element, whatever its name, since openpyxl reads every child of a row as a
    cell. A part expat cannot parse (an image) stops its count there: openpyxl's parser, the
    same expat with namespaces checked too, fails at that point or before it.
    """
    parser = expat.ParserCreate()
    counter.start_sheet()
    row_elements = counter.limits.columns * ROW_ELEMENTS_PER_COLUMN
    # The element's depth; the depth of the row or shared string open (0: none), whether it
    # is a row, and how many more elements it may hold.
    depth = opened = budget = 0
    in_row = False

    def start(name, _attributes):
        nonlocal depth, opened, budget, in_row
        depth += 1
        if opened:
            if in_row and depth == opened + 1:
                counter.cell()
            budget -= 1
            if budget < 0:
                raise too_large()
            return
        local = name.rpartition(":")[2]
        if local == "row":
            counter.row()
            opened, budget, in_row = depth, row_elements, True
        elif local == "si":
            counter.string()
            opened, budget, in_row = depth, STRING_ELEMENTS, False
        else:
            counter.other()

    def end(_name):
        nonlocal depth, opened
        if depth == opened:
            opened = 0
        depth -= 1

    def refuse(*_args):
        raise Unreadable()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.EntityDeclHandler = refuse
    with archive.open(member) as part:
        try:
            while chunk := part.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            return


def csv_records(content, delimiter, limits):
    """The CSV text cut into records (one row each), counted before the csv module reads them.

    As Python's csv reads it: a quote opens a field only at its start and runs to its closing
    quote, line breaks included; elsewhere a delimiter ends a field and a line break the record.
    """
    counter, stop = Counter(limits), re.compile(f"[{re.escape(delimiter)}\r\n]")
    start = position = 0
    counter.row()
    counter.cell()
    while position < len(content):
        if content.startswith('"', position):
            quoted = _QUOTED.match(content, position)
            if quoted is None:  # a quote never closed: the csv module says so
                break
            position = quoted.end()
        found = stop.search(content, position)
        if found is None:
            break
        position = found.end()
        if found.group() == delimiter:
            counter.cell()
            continue
        if found.group() == "\r" and content.startswith("\n", position):
            position += 1
        yield content[start:position]
        start = position
        if position < len(content):
            counter.row()
            counter.cell()
    if start < len(content):
        yield content[start:]
