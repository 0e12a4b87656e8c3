"""Reading the portal's score tables: .xlsx (a sheet per tier, trend sheets ignored), .csv or
a JSON array of the same objects, into rows of parsed scores."""

import json
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from taskforce.models.scorecard import GROUPS
from taskforce.services import spreadsheets
from taskforce.services.errors import DomainError
from taskforce.services.spreadsheets import CellError, Columns, Row, Table, is_number, text
from taskforce.services.text import fold

# The portal's column names as spreadsheets.header_key writes them, and a few Vietnamese ones.
HEADERS = {
    "id": ("id",),
    "ten": ("ten",),
    "name": ("ten coquan", "ten co quan", "ten don vi", "co quan", "don vi"),
    "code": ("ma coquan", "ma co quan", "ma don vi"),
    "unit_type": ("loai coquan", "loai co quan"),
    "tier_id": ("capdonviid", "cap don vi id", "cap don vi"),
    "unit_id": ("id coquan", "id co quan"),
    **{group: (group.lower(),) for group in GROUPS},
    "total": ("tong score", "tong diem", "tong"),
    "rank": ("row stt", "xep hang", "thu hang"),
}
REQUIRED = (*GROUPS, "total")
COLUMNS = Columns(HEADERS, anchor="total", labels={key: key.upper() for key in HEADERS} | {
    "total": "TONG_SCORE", "rank": "ROW_STT", "name": "TEN_COQUAN", "code": "MA_COQUAN"},
    no_header=_l("No score table was found: a sheet needs a header row with the columns "
                 "CKMB, TDGQ, CLGQ, TTTT, MDSH, MDHL and TONG_SCORE."))
# The largest JSON file read, as for spreadsheets.
MAX_JSON_ITEMS = 20_000
# Well above the number of units in the country; keeps a typo out of an integer column.
MAX_RANK = 1_000_000
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
# "Sở Tư pháp - tỉnh Thái Nguyên", "Xã A - Thành phố Huế": the name without the province.
_SUFFIX = re.compile(r"\s*[-–—]\s*(?:tinh|thanh pho|tp\.?)\s.*$")


@dataclass
class Sheet:
    """A score sheet of the file: its title ('' for a CSV file, None for JSON) and its rows."""

    title: str
    rows: list


def read_sheets(data, filename=""):
    """The score sheets of a file: JSON when it starts with '[', else a spreadsheet."""
    if data and data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        return [Sheet(None, _json_rows(data))]
    found = spreadsheets.read_sheets(data, COLUMNS, filename=filename or "")
    sheets = [Sheet(title, table.rows) for title, table in found if _is_score(table)]
    if not sheets:
        raise DomainError(str(COLUMNS.no_header), field="file")
    return sheets


def _is_score(table: Table):
    # A trend sheet may name the total too; a score sheet has every group.
    return all(key in table.rows[0].values for key in REQUIRED)


def _json_rows(data):
    try:
        items = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DomainError(_("This JSON file cannot be read."), field="file") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise DomainError(_("The JSON file must be an array of objects, one per unit."),
                          field="file")
    if not items:
        raise DomainError(_("The file has no data below its header row."), field="file")
    if len(items) > MAX_JSON_ITEMS:
        raise DomainError(_("The file has more than %(count)s units.", count=MAX_JSON_ITEMS),
                          field="file")
    rows = []
    for number, item in enumerate(items, start=1):
        values = {}
        for name, value in item.items():
            key = COLUMNS.by_alias.get(spreadsheets.header_key(name))
            if key is not None and not isinstance(value, (dict, list)):
                values[key] = value.strip() or None if isinstance(value, str) else value
        rows.append(Row(number, values))
    missing = [COLUMNS.labels[key] for key in REQUIRED if not any(key in r.values for r in rows)]
    if missing:
        raise DomainError(_("The objects lack these fields: %(columns)s.",
                            columns=", ".join(missing)), field="file")
    return rows


def parse_score(value, *, label):
    """A score from 0 to 100, from a number or a text with a decimal point or comma."""
    number = None
    if is_number(value):
        number = float(value)
    else:
        shown = text(value)
        if _NUMBER.match(shown):
            number = float(shown.replace(",", "."))
    if number is None or not 0 <= number <= 100:
        raise CellError(_("%(column)s must be a score from 0 to 100, not \"%(value)s\".",
                          column=label, value=text(value)))
    return round(number, 2)


def parse_rank(value):
    """The national rank, a whole number from 1; None when blank."""
    if text(value) == "":
        return None
    rank = spreadsheets.parse_count(value, label="ROW_STT")
    if not 1 <= rank <= MAX_RANK:
        raise CellError(_("ROW_STT must be a rank from 1 to %(max)s, not \"%(value)s\".",
                          max=MAX_RANK, value=rank))
    return rank


def name_key(name):
    """A unit's name as matched: no accents or case, without its " - tỉnh …" suffix."""
    return _SUFFIX.sub("", fold(name)).strip()


def plain_name(name):
    """A unit's name as shown without its " - tỉnh …" suffix."""
    shown = text(name)
    key = fold(shown)
    cut = _SUFFIX.search(key)
    # fold keeps the length of Vietnamese text (one letter per letter), so the cut carries.
    return shown[:cut.start()].strip() if cut and len(key) == len(shown) else shown
