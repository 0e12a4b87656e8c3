"""Excel exports made the way an office makes them, and safe against formula injection.

Every export describes its sheets as :class:`Sheet` (a title, a period, headers and rows)
and :func:`workbook` lays them out once for all: a title block (the issuing body, the title,
the period, the date made), a bold header row frozen and filtered, dates as real date cells
shown dd/mm/yyyy, numbers and shares as real numbers with a number format (never "30.0 %"
as text), columns as wide as their content, and the print set up (A4 landscape, fit to the
page's width, the header row repeated, page numbers in the footer). :func:`file_name` and
:func:`disposition` name the download.

openpyxl is imported when a workbook is made, not with the application.
"""

import math
import re
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from urllib.parse import quote

from flask_babel import gettext as _

from taskforce.services import settings, text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The control characters a workbook cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, kept here
# so that making a cell safe does not load openpyxl; a test holds the two equal).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column kinds: how a column's values are written. TEXT, INTEGER, NUMBER and DATE are also
# found from the values themselves; PERCENT (a share, 0.3 shown 30,00 %) and POINTS (a signed
# change in percentage points) are named by the export.
TEXT, INTEGER, NUMBER, DATE, PERCENT, POINTS = "text", "integer", "number", "date", \
    "percent", "points"
FORMATS = {INTEGER: "#,##0", NUMBER: "#,##0.00", DATE: "DD/MM/YYYY", PERCENT: "0.00%",
           POINTS: "+0.00;-0.00;0.00"}
WIDEST = 60
HEADER_WIDTH = 14
FOOTER_SIZE = 9


def safe_cell(value):
    """A value that a spreadsheet will show as typed, never run as a formula."""
    if not isinstance(value, str):
        return value
    # Control characters cannot be written to a workbook at all (openpyxl refuses them).
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class Percent(float):
    """A share (0.3) to write as a percentage (30,00 %) in a column of other numbers."""


@dataclass
class Sheet:
    """One table of a workbook: its tab ``name``, the ``title`` and ``period`` lines above it,
    the ``headers`` and ``rows``, and ``kinds`` naming the columns (by index) whose numbers
    are shares (:data:`PERCENT`) or changes in points (:data:`POINTS`)."""

    name: str
    headers: list
    rows: list
    title: str = ""
    period: str = ""
    kinds: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Letterhead:
    """What the title block of every sheet names: the issuing body and the date made."""

    issuer: tuple
    made_on: date


def letterhead(session, made_on):
    """The issuing body from the settings (the superior body, then the task force)."""
    values = settings.report_values(session)
    parent = values["report_parent_body"] or f"UBND TỈNH {values['report_province'].upper()}"
    return Letterhead(issuer=(parent, values["report_issuer"]), made_on=made_on)


def _kind(value):
    if isinstance(value, Percent):
        return PERCENT
    if isinstance(value, datetime | date):
        return DATE
    if isinstance(value, bool) or not isinstance(value, int | float):
        return TEXT
    return INTEGER if isinstance(value, int) else NUMBER


def _longest_word(text):
    return max((len(word) for word in str(text).split()), default=0)


def _shown_length(value, kind):
    """About how many characters a cell shows, for the column's width."""
    if value is None or value == "":
        return 0
    if kind == DATE:
        return 10
    if kind in (PERCENT, POINTS):
        return 8
    if kind in (INTEGER, NUMBER):
        return len(f"{value:,.2f}" if kind == NUMBER else f"{value:,}")
    return max(len(line) for line in str(value).splitlines() or [""])


def workbook(sheets, letter):
    """An .xlsx file as bytes from :class:`Sheet` objects under ``letter``'s title block."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write(book.create_sheet(title=_tab_name(sheet.name)), sheet, letter)
    book.properties.creator = _plain(letter.issuer[-1])
    book.properties.title = _plain(sheets[0].title or sheets[0].name) if sheets else ""
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain(value):
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))


def _tab_name(name):
    return re.sub(r"[\\/*?:\[\]]", "-", _plain(name))[:31] or "-"


def _write(ws, sheet, letter):
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    width = max(1, len(sheet.headers))
    last = get_column_letter(width)
    lines = [(" – ".join(letter.issuer), Font(bold=True, size=11)),
             (sheet.title or sheet.name, Font(bold=True, size=14)),
             (sheet.period, Font(italic=True)),
             (_("Made on %(date)s", date=letter.made_on.strftime("%d/%m/%Y")),
              Font(italic=True, size=10))]
    row = 0
    for line, font in lines:
        if not line:
            continue
        row += 1
        cell = ws.cell(row=row, column=1, value=safe_cell(line))
        cell.font = font
        cell.alignment = Alignment(horizontal="center")
        if width > 1:
            ws.merge_cells(f"A{row}:{last}{row}")
    header_row = row + 2
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=header_row, column=column, value=safe_cell(header))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    # A header wraps (its row is as tall as its longest): it asks for its longest word, and
    # a short header for all of it; the cells below may ask for more.
    widths = [max(_longest_word(h), min(len(str(h)), HEADER_WIDTH)) for h in sheet.headers]
    looks = {}
    for offset, values in enumerate(sheet.rows, start=1):
        tallest = 1
        for column, value in enumerate(values, start=1):
            kind = sheet.kinds.get(column - 1) or _kind(value)
            if kind in (PERCENT, POINTS) and not isinstance(value, int | float):
                kind = TEXT
            if isinstance(value, Percent):
                value = float(value)
            cell = ws.cell(row=header_row + offset, column=column, value=safe_cell(value))
            wrap = kind == TEXT and len(str(value or "")) > WIDEST
            if wrap:
                tallest = max(tallest, math.ceil(len(str(value)) / WIDEST))
            # Setting a style hashes it each time; the cells of one look share its indexes.
            look = looks.get((kind, wrap))
            if look is not None:
                cell._style = copy(look)
            else:
                cell.border = border
                if kind in FORMATS:
                    cell.number_format = FORMATS[kind]
                cell.alignment = Alignment(wrap_text=wrap, vertical="top")
                looks[(kind, wrap)] = copy(cell._style)
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1],
                                         min(_shown_length(value, kind), WIDEST))
        if tallest > 1:  # a row of wrapped text as tall as its lines (no spreadsheet measures)
            ws.row_dimensions[header_row + offset].height = 15 * tallest
    for column, chars in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = max(chars, 6) + 2
    lines = max([math.ceil(len(str(h)) / max(w, 6)) for h, w in zip(sheet.headers, widths,
                                                                    strict=False)] or [1])
    ws.row_dimensions[header_row].height = 15 * max(1, lines)
    last_row = header_row + max(len(sheet.rows), 1)
    ws.freeze_panes = f"A{header_row + 1}"
    ws.auto_filter.ref = f"A{header_row}:{last}{last_row}"
    _print_setup(ws, header_row)


def _print_setup(ws, header_row):
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = _("Page %(page)s of %(pages)s", page="&P", pages="&N")
    ws.oddFooter.center.size = FOOTER_SIZE


def header_row(ws):
    """The number of a sheet's header row (where its filter starts)."""
    return int(re.match(r"[A-Z]+(\d+)", ws.auto_filter.ref).group(1))


# Download names ---------------------------------------------------------------------------------

def file_name(*parts, extension="xlsx"):
    """A file name without accents or spaces: ``file_name("Sơ kết", "tháng 11/2020")`` is
    ``so-ket-thang-11-2020.xlsx``."""
    words = re.sub(r"[^a-z0-9]+", "-", text.fold(" ".join(str(p) for p in parts if p)))
    return f"{words.strip('-') or 'tep'}.{extension}"


def disposition(name):
    """A Content-Disposition for an attachment: ``filename`` in ASCII, ``filename*`` as well
    when the name is not."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name)}"
    return value
