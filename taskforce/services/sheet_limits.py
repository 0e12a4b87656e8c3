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


class Counter:
    """Rows, the cells of the current row and cells in all, refused past a limit."""

    def __init__(self, limits):
        self.limits, self.cells, self.rows, self.row_cells = limits, 0, 0, 0

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
        self.string()

    def string(self):
        """A cell, or a shared string (a workbook needs no more of them than cells)."""
        self.cells += 1
        if self.cells > self.limits.cells:
            raise DomainError(_("The file has too many cells: at most %(n)s cells.",
                                n=_number(self.limits.cells)), field="file")


def count_workbook(archive, members, limits):
    """Count every part of an .xlsx ``archive``; raise at the first limit passed."""
    counter = Counter(limits)
    for member in members:
        _count_part(archive, member, counter)


def _count_part(archive, member, counter):
    """Stream one part through expat, counting its rows, their cells and shared strings.

    Every part is counted, whatever its name, since a workbook may point a sheet at any part.
    A part expat cannot parse (an image) stops its count there: openpyxl's parser, the same
    expat with namespaces checked too, fails at that point or before it.
    """
    parser = expat.ParserCreate()
    counter.start_sheet()

    def start(name, _attributes):
        local = name.rpartition(":")[2]
        if local == "row":
            counter.row()
        elif local == "c" and counter.rows:
            counter.cell()
        elif local == "si":
            counter.string()

    def refuse(*_args):
        raise Unreadable()

    parser.StartElementHandler = start
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
