"""A review as an Excel workbook and as a Word report in the official administrative layout.

Both are drawn from the stored snapshot alone, so they never change after the review
is made. The Word report follows the layout of Decree 30/2020/NĐ-CP: the issuing body
and the number on the left, the national motto, place and date on the right, the title,
the body, "Nơi nhận" and the signature. Those formulas are fixed Vietnamese text, as in
every administrative document; the body follows the reader's language.
"""

import functools
from datetime import date
from io import BytesIO
from types import SimpleNamespace

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from taskforce.models import UnitKind
from taskforce.services import exports, reviews, settings

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 12
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DOCUMENT_TYPE = "BÁO CÁO"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Settings of the report's header --------------------------------------------------------------

def report_header(session):
    """The report's fixed parts from the settings, with defaults from the configuration.

    Keys: ``report_province`` (place name), ``report_parent_body``, ``report_issuer``,
    ``report_symbol`` (after the number, e.g. BC-TCT) and ``report_recipients`` (a list).
    """
    values = settings.report_values(session)
    province = values["report_province"]
    parent = values["report_parent_body"] or f"UBND TỈNH {province.upper()}"
    return {
        "province_name": province,
        "issuer": (parent, values["report_issuer"]),
        "symbol": values["report_symbol"],
        "recipients": values["report_recipients"],
    }


# Shared formatting ----------------------------------------------------------------------------

def _day(value):
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _pct(value):
    return format_percent(value or 0, "#,##0.00 %")


def _num(value):
    return format_decimal(value or 0, "#,##0")


def _points(value):
    """A change of share in percentage points, signed."""
    return format_decimal((value or 0) * 100, "+#,##0.00;-#,##0.00")


def _signed(value):
    return format_decimal(value, "+#,##0;-#,##0") if value else "±0"


def _class_labels():
    # In the order of reviews.CLASSES; a review made before "done with a shortfall" existed
    # counts none.
    return {"done_on_time": _("Done on time"), "done_late": _("Done late"),
            "done_short": _("Done with a shortfall"),
            "open_on_time": _("Open, within the deadline"), "open_overdue": _("Open, overdue")}


def _since(snapshot):
    return _day(snapshot["baseline"]["as_of"]) if snapshot.get("baseline") else ""


# Excel ----------------------------------------------------------------------------------------

def review_xlsx(review):
    """The review as an .xlsx file (bytes): a summary, the units and the task lists."""
    s = review.snapshot
    return exports.workbook([
        (_("Summary"), [_("Figure"), _("Value"), _("Change since %(date)s", date=_since(s))],
         _summary_rows(s)),
        (_("Units"), _unit_headers(), [_unit_cells(row) for row in s["units"]]),
        (_("Furthest behind"), [_("Unit"), _("Share verified (%)"), _("Still to upgrade")],
         [[row["name"], _percent_number(row["share_verified"]), row["to_target"]]
          for row in s["behind"]]),
        (_("Awaiting acceptance"), [_("Task"), _("Unit"), _("Due date"), _("Reported on")],
         [[t["title"], t["unit"], _day(t["due_on"]), _day(t.get("reported_on"))]
          for t in s["awaiting_acceptance"]["items"]]),
        (_("Due in the next days"), [_("Task"), _("Unit"), _("Due date")],
         [[t["title"], t["unit"], _day(t["due_on"])] for t in s["due_soon"]["items"]]),
        (_("Extensions granted"), [_("Task"), _("Unit"), _("Previous due date"),
                                   _("New due date"), _("Decided on")],
         [[t["title"], t["unit"], _day(t["previous_due_on"]), _day(t["granted_due_on"]),
           _day(t["decided_on"])] for t in s["extensions"]["items"]]),
    ])


def _percent_number(value):
    return round((value or 0) * 100, 2)


def _summary_rows(s):
    p, m = s["province"], s.get("movement") or {}
    pct = _percent_number
    rows = [
        [_("Period"), f"{_day(s['start'])} – {_day(s['end'])}", ""],
        [_("Services"), p["services"], m.get("services", "")],
        [_("Level 3 (verified)"), p["level3"], m.get("level3", "")],
        [_("Level 4 (claimed)"), p["level4"], m.get("level4", "")],
        [_("Level 4 (verified)"), p["level4_verified"], m.get("level4_verified", "")],
        [_("Share claimed (%)"), pct(p["share"]), pct(m["share"]) if m else ""],
        [_("Share verified (%)"), pct(p["share_verified"]),
         pct(m["share_verified"]) if m else ""],
        [_("Target (%)"), pct(s["target"]), ""],
        [_("Still to upgrade"), p["to_target"], m.get("to_target", "")],
        [_("Effective level 4"), p["effective4"], m.get("effective4", "")],
        [_("Effective share (%)"), pct(p["effective_share"]),
         pct(m["effective_share"]) if m else ""],
    ]
    rows += [[text, s["tasks"].get(key, 0), ""] for key, text in _class_labels().items()]
    rows += [[_("Tasks in all"), s["tasks"]["total"], ""],
             [_("Reported done, awaiting acceptance"), s["awaiting_acceptance"]["total"], ""],
             [_("Due in the next %(days)s days", days=s["due_soon"]["days"]),
              s["due_soon"]["total"], ""],
             [_("Extensions granted in the period"), s["extensions"]["total"], ""]]
    return rows


def _unit_headers():
    return [_("Unit"), _("Kind"), _("Services"), _("Level 3"), _("Level 4 (claimed)"),
            _("Level 4 (verified)"), _("Share verified (%)"), _("Change (points)"),
            _("Still to upgrade"), _("Effective level 4"), *_class_labels().values()]


def _unit_cells(row):
    change = row["movement"]["share_verified"] if row.get("movement") else None
    return [row["name"], UnitKind.word(row["kind"]), row["services"], row["level3"],
            row["level4"], row["level4_verified"], _percent_number(row["share_verified"]),
            _percent_number(change) if change is not None else "", row["to_target"],
            row["effective4"], *(row["tasks"].get(key, 0) for key in reviews.CLASSES)]


# Word -----------------------------------------------------------------------------------------

@functools.cache
def _docx():
    """python-docx's names used here, imported once by the process that writes a report."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    return SimpleNamespace(Document=Document, WD_ORIENT=WD_ORIENT,
                           WD_TABLE_ALIGNMENT=WD_TABLE_ALIGNMENT,
                           WD_ALIGN_PARAGRAPH=WD_ALIGN_PARAGRAPH, qn=qn, Cm=Cm, Pt=Pt)


def review_docx(review, *, province_name, issuer, symbol="BC-TCT", recipients=None,
                chart_png=None):
    """The review as a Word report (bytes) laid out like an official administrative report.

    ``issuer`` is the issuing body's lines, the superior body first (e.g.
    ``("UBND TỈNH BẮC KẠN", "TỔ CÔNG TÁC")``); ``chart_png`` the trend chart to include.
    """
    docx = _docx()
    s = review.snapshot
    doc = docx.Document()
    _page_setup(doc)
    _header_block(doc, review, province_name, issuer, symbol)
    _title(doc, review)
    _body(doc, s)
    if chart_png:
        doc.add_picture(BytesIO(chart_png), width=docx.Cm(16))
        doc.paragraphs[-1].alignment = docx.WD_ALIGN_PARAGRAPH.CENTER
    _closing(doc, s, issuer, recipients if recipients is not None
             else settings.DEFAULT_REPORT_RECIPIENTS)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _page_setup(doc):
    docx = _docx()
    section = doc.sections[0]
    section.orientation = docx.WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = docx.Cm(21), docx.Cm(29.7)
    section.top_margin = section.bottom_margin = docx.Cm(2)
    section.left_margin, section.right_margin = docx.Cm(3), docx.Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = docx.Pt(BODY_SIZE)
    # Word picks the East-Asian font slot for some Vietnamese text; set it too.
    style.element.rPr.rFonts.set(docx.qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = docx.Pt(3)


def _line(container, text, *, bold=False, italic=False, size=BODY_SIZE, align="center",
          underline=False):
    docx = _docx()
    paragraph = container.add_paragraph()
    align_to = docx.WD_ALIGN_PARAGRAPH
    paragraph.alignment = {"center": align_to.CENTER, "left": align_to.LEFT,
                           "justify": align_to.JUSTIFY}[align]
    paragraph.paragraph_format.space_after = docx.Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = docx.Pt(size)
    return paragraph


def _issue_date(day):
    """"ngày 05 tháng 02 năm 2021": a zero before days under 10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _header_block(doc, review, province_name, issuer, symbol):
    docx = _docx()
    table = doc.add_table(rows=1, cols=2)
    table.alignment = docx.WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = docx.Cm(6.5), docx.Cm(9.5)
    left.paragraphs[0].text = ""
    lines = list(issuer)
    for text in lines[:-1]:
        _line(left, text.upper(), size=13)
    _line(left, lines[-1].upper(), bold=True, size=13)
    _line(left, "───────", size=8)
    _line(left, f"Số: {review.number or '      '}/{symbol}", size=13)
    right.paragraphs[0].text = ""
    _line(right, MOTTO[0], bold=True, size=13)
    _line(right, MOTTO[1], bold=True, size=14)
    _line(right, "──────────────", size=8)
    issued = date.fromisoformat(review.snapshot["issued_on"])
    _line(right, f"{province_name}, {_issue_date(issued)}", italic=True, size=14)
    for cell in (left, right):
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)


def _title(doc, review):
    doc.add_paragraph()
    _line(doc, DOCUMENT_TYPE, bold=True, size=14)
    _line(doc, reviews.review_title(review), bold=True, size=14)
    _line(doc, "───────", size=8)


def _heading(doc, text):
    docx = _docx()
    paragraph = _line(doc, text, bold=True, align="left")
    paragraph.paragraph_format.space_before = docx.Pt(6)


def _text(doc, text):
    docx = _docx()
    paragraph = _line(doc, text, align="justify")
    paragraph.paragraph_format.first_line_indent = docx.Cm(1)
    paragraph.paragraph_format.space_after = docx.Pt(3)
    return paragraph


def _table(doc, headers, rows):
    docx = _docx()
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = docx.WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = docx.Pt(TABLE_SIZE)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(value)).font.size = docx.Pt(TABLE_SIZE)
    doc.add_paragraph().paragraph_format.space_after = docx.Pt(0)
    return table


def _body(doc, s):
    p, m = s["province"], s.get("movement")
    _heading(doc, _("I. Share of services at level 4"))
    _text(doc, _("As of %(date)s the province has %(services)s online public services; "
                 "%(verified)s are at level 4 and verified (%(share)s), %(claimed)s counting the "
                 "claims awaiting verification (%(share_claimed)s). The target is %(target)s; "
                 "services still to bring to level 4 to reach it: %(missing)s.",
                 date=_day(s["end"]), services=_num(p["services"]),
                 verified=_num(p["level4_verified"]), share=_pct(p["share_verified"]),
                 claimed=_num(p["level4"]), share_claimed=_pct(p["share"]),
                 target=_pct(s["target"]), missing=_num(p["to_target"])))
    if m:
        _text(doc, _("Change since %(date)s: level-4 services (verified) %(delta)s, share "
                     "%(points)s percentage points.", date=_since(s),
                     delta=_signed(m["level4_verified"]), points=_points(m["share_verified"])))
    _text(doc, _("Effectiveness: %(effective)s of the %(verified)s verified level-4 services "
                 "received online dossiers in the last three months (%(share)s).",
                 effective=_num(p["effective4"]), verified=_num(p["level4_verified"]),
                 share=_pct(p["effective_share"])))
    _table(doc, [_("Unit"), _("Services"), _("Level 4 (verified)"), _("Share"),
                 _("Change (points)"), _("Still to upgrade")],
           [[row["name"], _num(row["services"]), _num(row["level4_verified"]),
             _pct(row["share_verified"]),
             _points(row["movement"]["share_verified"]) if row.get("movement") else "",
             _num(row["to_target"])] for row in s["units"] if row["services"]])
    _tasks_section(doc, s)
    _heading(doc, _("III. Units furthest behind"))
    if s["behind"]:
        for row in s["behind"]:
            _text(doc, _("- %(unit)s: %(share)s at level 4, %(missing)s services still to "
                         "upgrade.", unit=row["name"], share=_pct(row["share_verified"]),
                         missing=_num(row["to_target"])))
    else:
        _text(doc, _("Every unit has reached the target."))


def _tasks_section(doc, s):
    labels = _class_labels()
    _heading(doc, _("II. Tasks"))
    _table(doc, [*labels.values(), _("In all")],
           [[_num(s["tasks"].get(key, 0)) for key in labels] + [_num(s["tasks"]["total"])]])
    _text(doc, _("Reported done and awaiting acceptance: %(count)s.",
                 count=_num(s["awaiting_acceptance"]["total"])))
    due = s["due_soon"]
    _text(doc, _("Due in the next %(days)s days: %(count)s.", days=due["days"],
                 count=_num(due["total"])))
    if due["items"]:
        _table(doc, [_("Task"), _("Unit"), _("Due date")],
               [[t["title"], t["unit"], _day(t["due_on"])] for t in due["items"]])
    ext = s["extensions"]
    _text(doc, _("Extensions granted in the period: %(count)s.", count=_num(ext["total"])))
    if ext["items"]:
        _table(doc, [_("Task"), _("Unit"), _("Previous due date"), _("New due date")],
               [[t["title"], t["unit"], _day(t["previous_due_on"]), _day(t["granted_due_on"])]
                for t in ext["items"]])


def _closing(doc, s, issuer, recipients):
    docx = _docx()
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = docx.Cm(8), docx.Cm(8)
    left.paragraphs[0].text = ""
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left")
    for text in [*recipients, "Lưu: VT."]:
        _line(left, f"- {text}", size=11, align="left")
    right.paragraphs[0].text = ""
    _line(right, f"TM. {list(issuer)[-1].upper()}", bold=True, size=14)
    _line(right, "TỔ TRƯỞNG", bold=True, size=14)
    for _blank in range(4):
        _line(right, "", size=14)
    signer = s.get("signer") or {}
    _line(right, signer.get("name", ""), bold=True, size=14)
    for cell in (left, right):
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)
