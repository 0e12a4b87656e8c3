"""Word documents in the official administrative layout (Decree 30/2020/NĐ-CP), shared by the
review report (services/review_exports.py) and the reminder letter (services/reminder_letters.py).

The layout: A4 portrait, Times New Roman 14; the issuing body and the number on the left, the
national motto and the place and date on the right; the body; "Nơi nhận" and the signature;
page numbers in the footer; the document's properties naming the task force (never the
library that wrote it). Tables size their columns to their content and right-align numbers.
The fixed formulas are Vietnamese text, as in every administrative document.

python-docx is imported by the process that writes a document, not with the application.
"""

import functools
from datetime import date, datetime, time
from io import BytesIO
from types import SimpleNamespace

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 12
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_WIDTH_CM = 16.0
NARROWEST_CM = 1.4
CHARS_PER_CM = 2.4  # Times New Roman 12: about this many characters to a centimetre


@functools.cache
def _docx():
    """python-docx's names used here, imported once by the process that writes a document."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    return SimpleNamespace(Document=Document, WD_ORIENT=WD_ORIENT,
                           WD_TABLE_ALIGNMENT=WD_TABLE_ALIGNMENT, OxmlElement=OxmlElement,
                           WD_ALIGN_PARAGRAPH=WD_ALIGN_PARAGRAPH, qn=qn, Cm=Cm, Pt=Pt)


def new_document(*, author, title, subject, made_on):
    """An empty A4 document with the page numbered and the properties set to the task force."""
    docx = _docx()
    doc = docx.Document()
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
    _page_numbers(section)
    made = datetime.combine(made_on, time(8)) if isinstance(made_on, date) else made_on
    properties = doc.core_properties
    properties.author = properties.last_modified_by = author
    properties.title, properties.subject = title, subject
    properties.comments = properties.keywords = properties.category = ""
    properties.created = properties.modified = made
    properties.revision = 1
    return doc


def _page_numbers(section):
    """A PAGE field centred in the footer (the first page numbered too)."""
    docx = _docx()
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = docx.WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = docx.Pt(TABLE_SIZE)
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None),
                              (None, "1"), ("end", None)):
        if kind:
            element = docx.OxmlElement("w:fldChar")
            element.set(docx.qn("w:fldCharType"), kind)
        elif instruction.strip() == "PAGE":
            element = docx.OxmlElement("w:instrText")
            element.set(docx.qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = docx.OxmlElement("w:t")
            element.text = instruction
        run._r.append(element)


def to_bytes(doc):
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def line(container, text, *, bold=False, italic=False, size=BODY_SIZE, align="center",
         underline=False):
    docx = _docx()
    paragraph = container.add_paragraph()
    align_to = docx.WD_ALIGN_PARAGRAPH
    paragraph.alignment = {"center": align_to.CENTER, "left": align_to.LEFT,
                           "right": align_to.RIGHT, "justify": align_to.JUSTIFY}[align]
    paragraph.paragraph_format.space_after = docx.Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = docx.Pt(size)
    return paragraph


def issue_date(day):
    """"ngày 05 tháng 02 năm 2021": a zero before days under 10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def header_block(doc, *, issuer, number, place, day, subject=None):
    """The issuing body and "Số: …" on the left, the motto and "place, ngày …" on the right;
    ``subject`` (a letter's "V/v …") under the number."""
    docx = _docx()
    table = doc.add_table(rows=1, cols=2)
    table.alignment = docx.WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = docx.Cm(6.5), docx.Cm(9.5)
    lines = list(issuer)
    for text in lines[:-1]:
        line(left, text.upper(), size=13)
    line(left, lines[-1].upper(), bold=True, size=13)
    line(left, "───────", size=8)
    line(left, f"Số: {number}", size=13)
    if subject:
        line(left, subject, size=12)
    line(right, MOTTO[0], bold=True, size=13)
    line(right, MOTTO[1], bold=True, size=14)
    line(right, "──────────────", size=8)
    line(right, f"{place}, {issue_date(day)}", italic=True, size=14)
    _drop_first_paragraph(left, right)
    return table


def _drop_first_paragraph(*cells):
    for cell in cells:
        first = cell.paragraphs[0]
        first._element.getparent().remove(first._element)


def heading(doc, text):
    docx = _docx()
    paragraph = line(doc, text, bold=True, align="left")
    paragraph.paragraph_format.space_before = docx.Pt(6)
    return paragraph


def text(doc, value):
    docx = _docx()
    paragraph = line(doc, value, align="justify")
    paragraph.paragraph_format.first_line_indent = docx.Cm(1)
    paragraph.paragraph_format.space_after = docx.Pt(3)
    return paragraph


def column_widths(headers, rows, width=TEXT_WIDTH_CM):
    """Widths in cm that share ``width`` by the length of each column's content: the longest
    cell (a header counts by its longest word, since it may wrap), at least NARROWEST_CM."""
    wants = []
    for index, header in enumerate(headers):
        # A header may wrap, but to no more than about three lines.
        longest_word = max([len(word) for word in str(header).split()] + [len(str(header)) / 3])
        longest = max([len(str(row[index])) for row in rows] + [longest_word])
        wants.append(max(NARROWEST_CM, min(longest, 60) / CHARS_PER_CM + 0.4))
    total = sum(wants)
    if total <= width:
        return wants
    # Too wide: the narrow columns keep their width, the wide ones share what is left.
    fixed = [w for w in wants if w <= width / len(wants)]
    rest = width - sum(fixed)
    wide = total - sum(fixed)
    return [w if w <= width / len(wants) else max(NARROWEST_CM, w * rest / wide) for w in wants]


def table(doc, headers, rows, *, numeric=()):
    """A bordered table, columns sized to content, the columns in ``numeric`` right-aligned."""
    docx = _docx()
    widths = column_widths(headers, rows)
    result = doc.add_table(rows=1, cols=len(headers))
    result.style = "Table Grid"
    result.alignment = docx.WD_TABLE_ALIGNMENT.CENTER
    result.autofit = False
    right, center = docx.WD_ALIGN_PARAGRAPH.RIGHT, docx.WD_ALIGN_PARAGRAPH.CENTER
    for cell, header in zip(result.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].alignment = center
        run = cell.paragraphs[0].add_run(str(header))
        run.bold = True
        run.font.size = docx.Pt(TABLE_SIZE)
    for values in rows:
        cells = result.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.text = ""
            if index in numeric:
                cell.paragraphs[0].alignment = right
            cell.paragraphs[0].add_run(str(value)).font.size = docx.Pt(TABLE_SIZE)
    for index, width in enumerate(widths):
        result.columns[index].width = docx.Cm(width)
        for cell in result.columns[index].cells:
            cell.width = docx.Cm(width)
    doc.add_paragraph().paragraph_format.space_after = docx.Pt(0)
    return result


def picture(doc, png, caption):
    """A picture centred at the text's width with its caption under it."""
    docx = _docx()
    doc.add_picture(BytesIO(png), width=docx.Cm(TEXT_WIDTH_CM))
    doc.paragraphs[-1].alignment = docx.WD_ALIGN_PARAGRAPH.CENTER
    line(doc, caption, italic=True, size=TABLE_SIZE)


def closing(doc, *, recipients, issuer, signer_title, signer_name):
    """"Nơi nhận" on the left, "TM. <issuer>", the signer's title and name on the right."""
    docx = _docx()
    result = doc.add_table(rows=1, cols=2)
    left, right = result.rows[0].cells
    left.width, right.width = docx.Cm(8), docx.Cm(8)
    line(left, "Nơi nhận:", bold=True, italic=True, size=12, align="left")
    for value in [*recipients, "Lưu: VT."]:
        line(left, f"- {value}", size=11, align="left")
    line(right, f"TM. {list(issuer)[-1].upper()}", bold=True, size=14)
    line(right, signer_title, bold=True, size=14)
    for _blank in range(4):
        line(right, "", size=14)
    line(right, signer_name or "", bold=True, size=14)
    _drop_first_paragraph(left, right)
    return result
