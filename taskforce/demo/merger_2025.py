"""The demo's story on: the merger of 1 July 2025, recorded as data through the sheet service.

On 1 July 2025 Bắc Kạn was merged into Thái Nguyên (Nghị quyết 202/2025/QH15 of the National
Assembly, 12/6/2025) and the district level was abolished, the communes being merged by a
resolution of the Standing Committee of the National Assembly. The demo records it as a
province would, with one reorganisation sheet: the departments become departments of Thái
Nguyên (renamed, or merged as the departments were in 2025, under new codes), and every
district and the city is split between a few communes or wards that receive its services.

The commune list is illustrative, not the official list: each district gives its services to
two of the communes that took its name or its seat (the city to the wards Bắc Kạn and Đức
Xuân, which are real), the services shared out in turn by code. The demo has no Thái Nguyên
units of its own, so the departments of Bắc Kạn become new units "… tỉnh Thái Nguyên".
"""

import csv
import io
import json
import random
from datetime import date

from sqlalchemy import select, update

from taskforce.demo import scorecards as demo_scorecards
from taskforce.demo.people import UNITS
from taskforce.models import Service, Unit, UnitKind
from taskforce.services import reorganisation_sheet, scorecard
from taskforce.services.scorecard.limits import DEFAULT_MAXIMA

EFFECTIVE_ON = date(2025, 7, 1)
PROVINCE_BASIS = ("Nghị quyết 202/2025/QH15 ngày 12/6/2025 của Quốc hội về sắp xếp đơn vị "
                  "hành chính cấp tỉnh")
COMMUNE_BASIS = ("Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã "
                 "của tỉnh Thái Nguyên năm 2025")

# from codes, new code, new name: the departments of Bắc Kạn as departments of Thái Nguyên.
DEPARTMENTS = (
    (("VPUBND",), "TN-VPUBND", "Văn phòng UBND tỉnh Thái Nguyên"),
    (("SNV", "SLDTBXH"), "TN-SNV", "Sở Nội vụ tỉnh Thái Nguyên"),
    (("STP",), "TN-STP", "Sở Tư pháp tỉnh Thái Nguyên"),
    (("STC", "SKHDT"), "TN-STC", "Sở Tài chính tỉnh Thái Nguyên"),
    (("SCT",), "TN-SCT", "Sở Công Thương tỉnh Thái Nguyên"),
    (("SNNPTNT", "STNMT"), "TN-SNNMT", "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên"),
    (("SXD", "SGTVT"), "TN-SXD", "Sở Xây dựng tỉnh Thái Nguyên"),
    (("SKHCN", "STTTT"), "TN-SKHCN", "Sở Khoa học và Công nghệ tỉnh Thái Nguyên"),
    (("SVHTTDL",), "TN-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch tỉnh Thái Nguyên"),
    (("SGDDT",), "TN-SGDDT", "Sở Giáo dục và Đào tạo tỉnh Thái Nguyên"),
    (("SYT",), "TN-SYT", "Sở Y tế tỉnh Thái Nguyên"),
    (("TTR",), "TN-TTR", "Thanh tra tỉnh Thái Nguyên"),
    (("BDT",), "TN-SDTTG", "Sở Dân tộc và Tôn giáo tỉnh Thái Nguyên"),
    (("BQLKCN",), "TN-BQLKCN", "Ban Quản lý các Khu công nghiệp tỉnh Thái Nguyên"),
)
# district code -> its successors (code, name), illustrative.
COMMUNES = {
    "TP-BACKAN": (("P-BACKAN", "UBND phường Bắc Kạn"), ("P-DUCXUAN", "UBND phường Đức Xuân")),
    "H-BABE": (("X-BABE", "UBND xã Ba Bể"), ("X-CHORA", "UBND xã Chợ Rã")),
    "H-BACHTHONG": (("X-BACHTHONG", "UBND xã Bạch Thông"),
                    ("X-PHONGQUANG", "UBND xã Phong Quang")),
    "H-CHODON": (("X-CHODON", "UBND xã Chợ Đồn"), ("X-NAMCUONG", "UBND xã Nam Cường")),
    "H-CHOMOI": (("X-CHOMOI", "UBND xã Chợ Mới"), ("X-THANHMAI", "UBND xã Thanh Mai")),
    "H-NARI": (("X-NARI", "UBND xã Na Rì"), ("X-XUANDUONG", "UBND xã Xuân Dương")),
    "H-NGANSON": (("X-NGANSON", "UBND xã Ngân Sơn"), ("X-NAPHAC", "UBND xã Nà Phặc")),
    "H-PACNAM": (("X-BANGTHANH", "UBND xã Bằng Thành"), ("X-NGHIENLOAN", "UBND xã Nghiên Loan")),
}
HEADER = ("effective_on", "change", "from_codes", "to_code", "to_name", "basis",
          "service_codes")


def _service_codes(session, unit_code):
    """The codes of a district's services, in order."""
    return sorted(set(session.scalars(
        select(Service.code).join(Unit, Unit.id == Service.unit_id)
        .where(Unit.code == unit_code))))


def rows(session):
    """The sheet's rows: the departments renamed or merged, each district split in two."""
    day = EFFECTIVE_ON.strftime("%d/%m/%Y")
    sheet = [(day, "merge" if len(codes) > 1 else "rename", ";".join(codes), code, name,
              PROVINCE_BASIS, "") for codes, code, name in DEPARTMENTS]
    for district, communes in COMMUNES.items():
        codes = _service_codes(session, district)
        for index, (code, name) in enumerate(communes):
            given = codes[index::len(communes)]
            sheet.append((day, "split", district, code, name, COMMUNE_BASIS, ";".join(given)))
    return sheet


def sheet(session):
    """The reorganisation sheet of 1 July 2025 as CSV bytes, as a province would upload it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows(session))
    return out.getvalue().encode("utf-8")


def load(session, *, today, now):
    """Record the merger of 1 July 2025 (applied at once when ``today`` is past it)."""
    plan = reorganisation_sheet.plan_sheet(session, sheet(session), "sap-xep-2025-07-01.csv")
    if not plan.ok:
        raise ValueError(f"demo merger 2025: {plan.errors[:3]}")
    events = reorganisation_sheet.record_sheet(session, plan, actor=None, today=today, now=now)
    # The sheet has no column for the kind: a split's successors start as districts like
    # their predecessor; the demo marks its new communes and wards as communes.
    codes = [code for communes in COMMUNES.values() for code, _name in communes]
    session.execute(update(Unit).where(Unit.code.in_(codes)).values(kind=UnitKind.COMMUNE)
                    .execution_options(synchronize_session="fetch"))
    session.flush()
    return len(events)


# The 766 scorecard of July 2025, the first month of the new units: each scored from the mean
# lag of its predecessors, as the demo's earlier months are (taskforce/demo/scorecards.py).
JULY = "2025-07"
JULY_PROVINCE = ("T-THAINGUYEN", "Tỉnh Thái Nguyên")


def _groups(lag, draw):
    level = 0.86 - 0.55 * lag + 0.012 * 4
    return {group: round(top * min(1.0, max(0.3, level + draw.uniform(-0.08, 0.06))), 2)
            for group, top in DEFAULT_MAXIMA.items()}


def _record(ident, code, name, unit_type, groups, rank):
    return {"ID": ident, "TEN": name, "TEN_COQUAN": name, "MA_COQUAN": code,
            "LOAI_COQUAN": unit_type, "CAPDONVIID": unit_type, "ID_COQUAN": 20_000 + ident,
            **{group: f"{value:.2f}".replace(".", ",") for group, value in groups.items()},
            "TONG_SCORE": f"{sum(groups.values()):.2f}".replace(".", ","),
            "ROW_STT": str(rank)}


def july_records():
    """The portal's rows of July 2025: the province of Thái Nguyên, then the new units."""
    lags = {code: lag for code, _name, _kind, _count, lag in UNITS}
    # The departments' names already end with the province; the communes' get the suffix.
    units = [(codes, code, name, "2") for codes, code, name in DEPARTMENTS]
    units += [((district,), code, f"{name} - tỉnh Thái Nguyên", "3")
              for district, communes in COMMUNES.items() for code, name in communes]
    draw = random.Random(demo_scorecards.SEED + 4)
    rows = []
    for ident, (codes, code, name, unit_type) in enumerate(units, start=2):
        groups = _groups(sum(lags[c] for c in codes) / len(codes), draw)
        rank = max(1, int((100 - sum(groups.values())) * 45))
        rows.append(_record(ident, code, name, unit_type, groups, rank))
    average = {group: round(sum(float(r[group].replace(",", ".")) for r in rows) / len(rows), 2)
               for group in DEFAULT_MAXIMA}
    return [_record(1, *JULY_PROVINCE, "1", average, 25), *rows]


def load_scorecard(session, *, now):
    """Import the score table of July 2025 for the new units (after ``load``)."""
    data = json.dumps(july_records(), ensure_ascii=False).encode()
    plan = scorecard.import_scorecard(session, data, f"diem-766-{JULY}.json",
                                      scorecard.parse_period(JULY), create_units=False,
                                      actor=None, now=now)
    if not plan.ok:
        raise ValueError(f"demo scorecard {JULY}: {plan.errors[:3]}")
    return 1
