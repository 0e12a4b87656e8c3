"""What the catalog and usage imports share: their sheets' columns, the plan, the look-ups."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from taskforce.models import Service, Unit
from taskforce.services import spreadsheets
from taskforce.services.spreadsheets import Columns, RowErrors
from taskforce.services.text import fold

# Keeps IN (...) lists well below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500

# Column names as spreadsheets.header_key writes them (no accents, lower case, plain spaces).
# One table for both kinds of file, so that each finds its header row the same way.
HEADERS = {
    "code": ("ma thu tuc", "ma tthc", "ma thu tuc hanh chinh", "ma dich vu", "ma dvc", "ma so",
             "ma", "code", "service code", "procedure code"),
    "name": ("ten thu tuc", "ten tthc", "ten thu tuc hanh chinh", "ten dich vu cong",
             "ten dich vu", "ten dvc", "name", "service name", "procedure name"),
    "field": ("linh vuc", "field", "sector"),
    "unit": ("co quan thuc hien", "co quan", "don vi", "don vi thuc hien", "unit", "agency"),
    "tier": ("cap thuc hien", "cap", "tier"),
    "level": ("muc do", "muc do dvc", "muc do dvctt", "muc do dich vu cong",
              "muc do dich vu cong truc tuyen", "muc do cung cap", "muc do cung cap dvc",
              "muc do cung cap dvctt", "muc do cung cap dich vu cong truc tuyen",
              "hinh thuc cung cap", "hinh thuc cung cap dvctt", "loai dvctt", "loai dvc",
              "loai dich vu cong truc tuyen", "phan loai dvctt", "muc", "level", "class",
              "online class"),
    "level_on": ("ngay dat muc", "ngay dat muc do", "ngay dat", "level date", "date"),
    "fee": ("phi le phi", "phi", "le phi", "co thu phi", "thu phi", "fee", "has fee"),
    "month": ("thang", "thang bao cao", "ky bao cao", "month"),
    "total": ("tong so ho so", "tong ho so", "so ho so", "dossiers total", "total dossiers",
              "total"),
    "online": ("ho so truc tuyen", "so ho so truc tuyen", "tong so ho so truc tuyen", "online",
               "online dossiers", "dossiers online"),
    "paid_online": ("thanh toan truc tuyen", "ho so thanh toan truc tuyen",
                    "so ho so thanh toan truc tuyen", "paid online", "dossiers paid online"),
    "digitised": ("so ho so so hoa", "so ho so duoc so hoa", "ho so duoc so hoa",
                  "ho so so hoa", "ho so da so hoa", "so hoa ho so", "so hoa", "digitised",
                  "digitized", "dossiers digitised", "dossiers digitized"),
}
# How a missing column is named in messages: the names officials use, then the English one.
COLUMN_NAMES = {
    "code": "Mã thủ tục / code", "name": "Tên thủ tục / name", "unit": "Cơ quan thực hiện / unit",
    "level": "Mức độ / level", "month": "Tháng / month", "total": "Tổng số hồ sơ / dossiers total",
    "online": "Hồ sơ trực tuyến / online",
}
COLUMNS = Columns(HEADERS, anchor="code", labels=COLUMN_NAMES, no_header=_l(
    "No header row was found in the first %(count)s rows: the file needs a row of column names "
    "with at least the service code (Mã thủ tục) and one other known column.",
    count=spreadsheets.HEADER_ROWS))


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
    errors: RowErrors = field(default_factory=RowErrors)

    @property
    def ok(self):
        return not self.errors

    @property
    def has_work(self):
        return bool(self.additions or self.changes)


def start_plan(data, filename, kind, required):
    """Read the file: an empty plan of ``kind`` and the rows to fill it from."""
    table = spreadsheets.read_table(data, COLUMNS, required=required, filename=filename or "")
    return ImportPlan(kind=kind, filename=spreadsheets.display_name(filename),
                      header_row=table.header_row, rows=len(table.rows)), table.rows


def chunks(items):
    """``items`` sorted, CHUNK at a time."""
    items = sorted(items)
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def unit_finder(session):
    """Match a unit as find_by_name_or_code does (code, else name without accents), in memory."""
    units = session.scalars(select(Unit)).all()
    by_code = {fold(u.code): u for u in units}
    by_name = {fold(u.name): u for u in units}
    return lambda text: by_code.get(fold(text)) or by_name.get(fold(text))


def services_by_code(session, codes):
    """``{code: [services with that code]}`` of the codes named in a file."""
    found = defaultdict(list)
    for chunk in chunks(codes):
        for service in session.scalars(select(Service).where(Service.code.in_(chunk))):
            found[service.code].append(service)
    return found
