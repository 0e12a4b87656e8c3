"""The demo's plans: Bắc Kạn's 2020 plan (the default) and a plan to 2025 with the later kinds of
indicator. Dates are in the calendar of 2020; the loader moves them with the founding date,
except the legal documents' own dates."""

from datetime import date

from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft


def _indicator(code, name, measure, params, *targets):
    return IndicatorDraft(code=code, name=name, measure=measure, params=params,
                          milestones=tuple(MilestoneDraft(value, day) for value, day in targets))


PLAN_2020 = PlanDraft(
    code="BK-2020",
    name="Đưa tối thiểu 30 % dịch vụ công lên mức độ 4 năm 2020",
    basis_number="17/NQ-CP", basis_date=date(2019, 3, 7),
    starts_on=date(2020, 1, 1), ends_on=date(2020, 12, 31),
    indicators=(_indicator("DVC-MD4", "Tỷ lệ dịch vụ công mức độ 4 (toàn trình), đã xác minh",
                           "share_at_class", {"min_level": 4, "verified_only": True},
                           (0.30, date(2020, 12, 31))),))

PLAN_2025 = PlanDraft(
    code="BK-2025",
    name="Chính quyền số: dịch vụ công trực tuyến toàn trình và hồ sơ trực tuyến đến 2025",
    basis_number="942/QĐ-TTg", basis_date=date(2021, 6, 15),
    starts_on=date(2021, 7, 1), ends_on=date(2025, 12, 31),
    indicators=(
        _indicator("TOAN-TRINH", "Tỷ lệ dịch vụ công trực tuyến toàn trình", "share_at_class",
                   {"min_level": 4, "verified_only": True},
                   (0.50, date(2021, 12, 31)), (1.0, date(2025, 12, 31))),
        _indicator("HS-TRUC-TUYEN", "Tỷ lệ hồ sơ nộp trực tuyến (12 tháng)", "online_dossiers",
                   {"months": 12}, (0.50, date(2022, 12, 31)), (0.80, date(2025, 12, 31))),
        _indicator("THANH-TOAN", "Tỷ lệ hồ sơ thanh toán trực tuyến (dịch vụ có phí)",
                   "paid_online", {"months": 12}, (0.50, date(2025, 12, 31))),
        _indicator("SO-HOA", "Tỷ lệ hồ sơ được số hóa", "digitised", {"months": 12},
                   (0.80, date(2025, 12, 31))),
    ))

PLANS = (PLAN_2020, PLAN_2025)
