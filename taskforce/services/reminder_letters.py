"""The reminder letter (công văn đôn đốc): from a review, the leadership's official letter to the
units lagging behind, as a Word document in the administrative layout (services/official_docx).

The lagging units are those of the review's "furthest behind" list and those with tasks open
past their due date at the end of the review's period. The letter names each with its figures
from the review (share verified at level 4, services still to upgrade) and its tasks overdue
on the day the letter is made (title, due date, days overdue, progress). Each letter takes the
next number of its year (kept in the settings, ``reminder_letter_numbers``) and is audited.
An official letter is Vietnamese text whoever makes it, like the review report.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from taskforce.models import Review, Task, Unit
from taskforce.services import audit, exports, official_docx, review_exports, reviews, settings
from taskforce.services.errors import DomainError
from taskforce.services.tasks.progress import progress_of

NUMBERS_KEY = "reminder_letter_numbers"
SUBJECT = "V/v đôn đốc thực hiện nhiệm vụ nâng cấp dịch vụ công trực tuyến"
REPLY_DAYS = 7
MAX_TASKS = 30  # overdue tasks listed per unit; the rest are counted


@dataclass
class Lagging:
    """One unit the letter is sent to: its figures from the review and its overdue tasks."""

    unit: Unit
    figures: dict
    overdue: list  # [(task, days overdue, progress)]
    overdue_total: int


@dataclass
class Letter:
    number: int
    year: int
    symbol: str
    day: date
    units: list
    data: bytes

    @property
    def file_name(self):
        """``cong-van-don-doc-so-3-2020.docx``."""
        return exports.file_name("cong-van-don-doc-so", self.number, self.year,
                                 extension="docx")


def lagging_units(session, review, *, today):
    """The units the letter goes to, in the review's order of units."""
    snapshot = review.snapshot
    behind = {row["id"] for row in snapshot["behind"]}
    rows = {row["id"]: row for row in snapshot["units"]
            if row["id"] in behind or row["tasks"].get("open_overdue")}
    if not rows:
        return []
    units = {unit.id: unit for unit in session.scalars(select(Unit).where(Unit.id.in_(rows)))}
    overdue = session.scalars(select(Task).where(Task.unit_id.in_(rows), Task.is_overdue(today))
                              .order_by(Task.due_on, Task.id)).all()
    progress = progress_of(session, overdue)
    by_unit = {}
    for task in overdue:
        by_unit.setdefault(task.unit_id, []).append(
            (task, (today - task.due_on).days, progress[task.id]))
    return [Lagging(unit=units[unit_id], figures=row, overdue=by_unit.get(unit_id, [])[:MAX_TASKS],
                    overdue_total=len(by_unit.get(unit_id, [])))
            for unit_id, row in rows.items() if unit_id in units]


def next_number(session, year, actor=None):
    """The next letter number of ``year`` (1, 2, …), taken."""
    numbers = dict(settings.get(session, NUMBERS_KEY, {}) or {})
    number = int(numbers.get(str(year), 0)) + 1
    numbers[str(year)] = number
    settings.put(session, NUMBERS_KEY, numbers, actor=actor)
    return number


def letter_symbol(session):
    """The letter's symbol after its number: the report's symbol without "BC-" (BC-TCT: TCT)."""
    symbol = review_exports.report_header(session)["symbol"]
    return symbol[3:] if symbol.upper().startswith("BC-") else symbol


def make_letter(session, review, *, actor, today, now):
    """Number, write and audit the reminder letter of ``review``; a :class:`Letter`.

    Refused (nothing numbered) when no unit lags behind.
    """
    if not isinstance(review, Review):
        raise DomainError(_("There is no such review."))
    units = lagging_units(session, review, today=today)
    if not units:
        raise DomainError(_("No unit lags behind in this review: there is no one to remind."))
    number = next_number(session, today.year, actor)
    symbol = letter_symbol(session)
    data = letter_docx(session, review, units, number=number, symbol=symbol, today=today)
    audit.record(session, actor, "review.letter", review, now=now,
                 summary=f"{number}/{symbol}: " + "; ".join(item.unit.name for item in units))
    return Letter(number=number, year=today.year, symbol=symbol, day=today, units=units,
                  data=data)


# The document ---------------------------------------------------------------------------------

def _pct(value):
    return f"{(value or 0) * 100:.2f}".replace(".", ",") + " %"


def _day(value):
    return value.strftime("%d/%m/%Y")


def letter_docx(session, review, units, *, number, symbol, today):
    """The letter as .docx bytes."""
    header = review_exports.report_header(session)
    issuer, place = header["issuer"], header["province_name"]
    snapshot = review.snapshot
    doc = official_docx.new_document(author=issuer[-1], title=f"Công văn {number}/{symbol}",
                                     subject=SUBJECT, made_on=today)
    official_docx.header_block(doc, issuer=issuer, number=f"{number}/{symbol}", place=place,
                               day=today, subject=SUBJECT)
    doc.add_paragraph()
    _addressees(doc, units)
    with force_locale("vi"):
        title = reviews.review_title(review)
    province = snapshot["province"]
    official_docx.text(doc, (
        f"Căn cứ kết quả {title[0].lower() + title[1:]} (số liệu đến ngày "
        f"{_day(date.fromisoformat(snapshot['end']))}), toàn tỉnh có "
        f"{province['level4_verified']}/{province['services']} dịch vụ công trực tuyến đạt "
        f"mức độ 4 đã được xác minh ({_pct(province['share_verified'])}), chỉ tiêu "
        f"{_pct(snapshot['target'])}. Một số đơn vị còn chậm so với chỉ tiêu hoặc có nhiệm vụ "
        f"quá hạn, cụ thể như sau:"))
    for index, item in enumerate(units, start=1):
        _unit_section(doc, index, item)
    reply_by = today + timedelta(days=REPLY_DAYS)
    official_docx.text(doc, (
        f"{issuer[-1][:1].upper() + issuer[-1][1:]} đề nghị Thủ trưởng các đơn vị nêu trên chỉ đạo "
        f"khẩn trương hoàn thành các nhiệm vụ quá hạn, đẩy nhanh việc nâng cấp các dịch vụ "
        f"công trực tuyến còn lại và báo cáo kết quả về {issuer[-1]} trước ngày "
        f"{_day(reply_by)}."))
    official_docx.text(doc, "Đề nghị các đơn vị quan tâm, thực hiện./.")
    signer = snapshot.get("signer") or {}
    official_docx.closing(doc, recipients=["Như trên;", f"Các thành viên {issuer[-1]};"],
                          issuer=issuer, signer_title="TỔ TRƯỞNG",
                          signer_name=signer.get("name", ""))
    return official_docx.to_bytes(doc)


def _addressees(doc, units):
    if len(units) == 1:
        official_docx.line(doc, f"Kính gửi: {units[0].unit.name}.")
        return
    official_docx.line(doc, "Kính gửi:")
    for position, item in enumerate(units, start=1):
        end = "." if position == len(units) else ";"
        paragraph = official_docx.line(doc, f"- {item.unit.name}{end}", align="left")
        paragraph.paragraph_format.left_indent = official_docx._docx().Cm(4)


def _unit_section(doc, index, item):
    row = item.figures
    official_docx.heading(doc, f"{index}. {item.unit.name}")
    official_docx.text(doc, (
        f"Đạt {row['level4_verified']}/{row['services']} dịch vụ mức độ 4 đã xác minh "
        f"({_pct(row['share_verified'])}); còn {row['to_target']} dịch vụ cần nâng cấp để đạt "
        f"chỉ tiêu; {item.overdue_total} nhiệm vụ quá hạn."))
    if item.overdue:
        official_docx.table(
            doc, ["TT", "Nhiệm vụ", "Hạn hoàn thành", "Quá hạn (ngày)", "Tiến độ (%)"],
            [[str(n), task.title, _day(task.due_on), str(days), str(progress)]
             for n, (task, days, progress) in enumerate(item.overdue, start=1)],
            numeric=(0, 3, 4))
        if item.overdue_total > len(item.overdue):
            official_docx.text(doc, f"(Và {item.overdue_total - len(item.overdue)} nhiệm vụ "
                                    f"quá hạn khác.)")
