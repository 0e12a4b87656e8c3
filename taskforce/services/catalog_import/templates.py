"""Import templates: an .xlsx file to fill in for each kind of import, made from the columns
the importer reads (sheets.HEADERS, the required columns of catalog.py and usage.py).

A template has the sheet to fill in (its header row as the importer finds it, one example
row) and an instruction sheet: each column, whether it is required, the values accepted and
an example. A later import adds its ``Template`` to TEMPLATES and is offered on the import
page with the others.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from taskforce.services import exports
from taskforce.services.catalog_import.catalog import CATALOG_COLUMNS
from taskforce.services.catalog_import.sheets import HEADERS
from taskforce.services.catalog_import.usage import USAGE_COLUMNS
from taskforce.services.spreadsheets import header_key


@dataclass(frozen=True)
class Column:
    """One column of a template: the importer's key, its header as officials write it, what
    it accepts and an example."""

    key: str
    header: str
    accepts: object
    example: object


# The headers as officials write them; each folds to one of the importer's names for the
# column (templates_are_read_back() and a test hold them so).
CATALOG = (
    Column("code", "Mã thủ tục", _l("The service's code in the national catalog."),
           "1.001234"),
    Column("name", "Tên thủ tục", _l("The service's name."), "Đăng ký khai sinh"),
    Column("field", "Lĩnh vực", _l("The field (optional)."), "Hộ tịch"),
    Column("unit", "Cơ quan thực hiện", _l("The unit's code or name as in the list of units."),
           "Sở Tư pháp"),
    Column("tier", "Cấp thực hiện", _l("Tỉnh, Huyện or Xã (optional; else the unit's tier)."),
           "Tỉnh"),
    Column("level", "Mức độ", _l("Either vocabulary: Mức độ 1 to Mức độ 4 (before the switch "
                                 "date), or Toàn trình (level 4) and Một phần (level 3)."),
           "Toàn trình"),
    Column("level_on", "Ngày đạt mức", _l("The date the level was reached, dd/mm/yyyy "
                                          "(optional; not in the future)."), None),
    Column("fee", "Phí, lệ phí", _l("Có or Không, or the amount (optional)."), "Không"),
)
USAGE = (
    Column("month", "Tháng", _l("The month, mm/yyyy (not in the future)."), "10/2020"),
    Column("code", "Mã thủ tục", _l("The service's code, as in the catalog."), "1.001234"),
    Column("unit", "Cơ quan thực hiện", _l("The unit's code or name, when a code is used by "
                                           "several units (optional)."), "Sở Tư pháp"),
    Column("total", "Tổng số hồ sơ", _l("All dossiers received in the month: a whole number."),
           120),
    Column("online", "Hồ sơ trực tuyến", _l("Of those, received online: a whole number."), 45),
    Column("paid_online", "Thanh toán trực tuyến",
           _l("Of those, paid online: a whole number (optional)."), 12),
    Column("digitised", "Số hồ sơ số hóa", _l("Of those, digitised: a whole number (optional)."),
           30),
)


@dataclass(frozen=True)
class Template:
    kind: str
    title: object
    columns: tuple
    required: tuple


TEMPLATES = {
    "catalog": Template("catalog", _l("Service catalog"), CATALOG, CATALOG_COLUMNS),
    "usage": Template("usage", _l("Monthly usage figures"), USAGE, USAGE_COLUMNS),
}


def templates_are_read_back():
    """Whether every header of every template is one the importer finds (by HEADERS)."""
    return all(header_key(column.header) in HEADERS[column.key]
               for template in TEMPLATES.values() for column in template.columns)


def file_name(kind):
    """``mau-nhap-danh-muc.xlsx``, ``mau-nhap-so-lieu-su-dung.xlsx``."""
    return exports.file_name({"catalog": "mau-nhap-danh-muc",
                              "usage": "mau-nhap-so-lieu-su-dung"}.get(kind, f"mau-nhap-{kind}"))


def template_xlsx(session, kind, *, today):
    """The template of ``kind`` (a key of TEMPLATES) as an .xlsx file (bytes)."""
    template = TEMPLATES[kind]
    example_day = date(today.year, today.month, 1)
    example = [_example(column, example_day) for column in template.columns]
    fill = exports.Sheet(_("Data"), [c.header for c in template.columns], [example],
                         title=str(template.title),
                         period=_("Replace the example row with your rows; keep the header row."))
    yes, no = _("Required"), _("Optional")
    guide = exports.Sheet(
        _("Instructions"), [_("Column"), _("Required"), _("Accepted values"), _("Example")],
        [[c.header, yes if c.key in template.required else no, str(c.accepts),
          _shown(_example(c, example_day))] for c in template.columns],
        title=_("How to fill in: %(title)s", title=str(template.title)),
        period=_("The header row may also be written without accents or in English; other "
                 "columns are ignored. Save as .xlsx or CSV (UTF-8)."))
    return exports.workbook([fill, guide], exports.letterhead(session, today))


def _example(column, day):
    if column.key == "level_on":
        return day
    return column.example


def _shown(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else value
