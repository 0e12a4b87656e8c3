"""Excel exports, safe against formula injection.

openpyxl is imported when a workbook is made, not with the application.
"""

import re
from io import BytesIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The control characters a workbook cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, kept here
# so that making a cell safe does not load openpyxl; a test holds the two equal).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_cell(value):
    """A value that a spreadsheet will show as typed, never run as a formula."""
    if not isinstance(value, str):
        return value
    # Control characters cannot be written to a workbook at all (openpyxl refuses them).
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def workbook(sheets):
    """An .xlsx file as bytes from ``[(title, headers, rows), ...]``; text is made safe."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([safe_cell(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
            widths = [max(w, min(len(str(v or "")), 60)) for w, v in zip(widths, row,
                                                                        strict=False)]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
