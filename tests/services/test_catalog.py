"""The catalog service: search and filters, level claims, verification, export."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, ClaimStatus, LevelChange, Service, Tier
from taskforce.services import catalog, kpi
from taskforce.services.errors import DomainError, PermissionDenied
from tests import factories
from tests.sheets import first_row, table

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)
LEVEL4 = {"online_processing": True, "online_payment": True, "online_result": True}


def names(filters):
    return [s.name for s in db.session.scalars(catalog.search(filters))]


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def audit_actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.fixture
def unit(app):
    return factories.unit("Sở Kế hoạch và Đầu tư")


@pytest.fixture
def leader(app):
    return factories.user("leader")


@pytest.fixture
def claimant(app):
    # Someone other than the leader who decides: the claimant may not decide their own claim.
    return factories.user("member")


class TestSearch:
    @pytest.fixture(autouse=True)
    def services(self, unit):
        factories.service(unit, name="Đăng ký kinh doanh hộ cá thể", code="1.001612")
        factories.service(unit, name="Cấp giấy phép xây dựng", code="1.009999")
        factories.service(unit, name="Dang ky tam tru (ban nhap)", code="2.000100")
        factories.service(unit, name="Thủ tục giảm 100% phí", code="3.000001")

    @pytest.mark.parametrize("query", ["dang ky kinh doanh", "DANG KY KINH", "Đăng ký kinh doanh",
                                       "  đăng   KÝ  kinh ", "ĐĂNG KÝ KINH DOANH"])
    def test_accents_and_case_are_ignored(self, query):
        assert names(catalog.Filters(q=query)) == ["Đăng ký kinh doanh hộ cá thể"]

    def test_d_with_stroke_matches_plain_d_both_ways(self):
        # Ordered by the folded name: "dang ky kinh..." before "dang ky tam...".
        both = ["Đăng ký kinh doanh hộ cá thể", "Dang ky tam tru (ban nhap)"]
        assert names(catalog.Filters(q="Đăng ký")) == both
        assert names(catalog.Filters(q="dang ky")) == both

    def test_code_matches(self):
        assert names(catalog.Filters(q="1.0016")) == ["Đăng ký kinh doanh hộ cá thể"]

    def test_like_wildcards_are_literal(self):
        assert names(catalog.Filters(q="100%")) == ["Thủ tục giảm 100% phí"]
        assert names(catalog.Filters(q="_")) == []

    def test_blank_query_lists_everything(self):
        assert len(names(catalog.Filters(q="   "))) == 4


class TestFilters:
    @pytest.fixture(autouse=True)
    def catalog_rows(self, unit):
        other = factories.unit("UBND huyện Ba Bể")
        self.a = factories.service(unit, level=3, name="A thủ tục", field="Đất đai",
                                   has_fee=True, has_online_payment=False,
                                   is_connected_evaluation=True, has_online_result=True)
        self.b = factories.service(unit, level=4, name="B thủ tục", field="Xây dựng",
                                   has_fee=True, has_online_payment=True,
                                   is_connected_evaluation=True, has_online_result=True)
        self.c = factories.service(other, level=2, name="C thủ tục", tier=Tier.DISTRICT,
                                   is_connected_evaluation=False, has_online_result=False)
        self.d = factories.service(other, level=3, name="D thủ tục", tier=Tier.DISTRICT,
                                   is_connected_evaluation=True, has_online_result=False)
        factories.service(other, name="E không hoạt động", active=False)
        factories.level_change(self.d, 4, date(2020, 11, 1), status=ClaimStatus.PENDING)
        self.unit, self.other = unit, other

    def test_unit(self):
        assert names(catalog.Filters(unit_id=self.other.id)) == ["C thủ tục", "D thủ tục"]

    def test_level(self):
        assert names(catalog.Filters(level=3)) == ["A thủ tục", "D thủ tục"]

    def test_field(self):
        assert names(catalog.Filters(field="Xây dựng")) == ["B thủ tục"]

    def test_tier(self):
        assert names(catalog.Filters(tier="district")) == ["C thủ tục", "D thủ tục"]
        assert names(catalog.Filters(tier="nonsense")) == ["A thủ tục", "B thủ tục", "C thủ tục",
                                                           "D thủ tục"]

    def test_verified_or_pending(self):
        assert names(catalog.Filters(verified="no")) == ["D thủ tục"]
        assert names(catalog.Filters(verified="yes")) == ["A thủ tục", "B thủ tục", "C thủ tục"]

    @pytest.mark.parametrize(("missing", "expected"), [
        ("payment", ["A thủ tục"]),
        ("evaluation", ["C thủ tục"]),
        ("result", ["C thủ tục", "D thủ tục"]),
        ("any", ["A thủ tục", "C thủ tục", "D thủ tục"]),
    ])
    def test_missing_prerequisites(self, missing, expected):
        assert names(catalog.Filters(missing=missing)) == expected

    def test_filters_combine(self):
        assert names(catalog.Filters(unit_id=self.other.id, level=3, missing="result")) == [
            "D thủ tục"]

    def test_sorts(self):
        assert names(catalog.Filters(sort="level"))[0] == "B thủ tục"
        assert names(catalog.Filters(sort="unit"))[:2] == ["A thủ tục", "B thủ tục"]

    def test_pending_claims_by_service(self):
        pending = catalog.pending_claims_by_service(db.session, [self.a.id, self.d.id])
        assert list(pending) == [self.d.id]
        assert pending[self.d.id].to_level == 4

    def test_fields(self):
        # The order of "Đ" against "X" depends on the database's collation.
        assert sorted(catalog.fields(db.session)) == ["Xây dựng", "Đất đai"]


class TestClaims:
    @pytest.fixture
    def service(self, unit):
        return factories.service(unit, level=3, has_fee=True, listed_on=date(2020, 1, 1))

    def claim(self, service, actor, **kw):
        args = {"to_level": 4, "effective_on": date(2020, 11, 10), "today": TODAY,
                "prerequisites": LEVEL4}
        args.update(kw)
        return catalog.claim_level(db.session, service, actor=actor, **args)

    def test_claim_is_pending_and_counts_as_claimed_only(self, service, leader):
        before = kpi.province_figures(db.session, TODAY, target=0.3)
        change = self.claim(service, leader, note="  Cổng DVC  tỉnh ")
        after = kpi.province_figures(db.session, TODAY, target=0.3)
        assert change.status == ClaimStatus.PENDING
        assert (change.from_level, change.to_level, change.source) == (3, 4, "claim")
        assert change.claimed_by_id == leader.id
        assert change.evidence_note == "Cổng DVC tỉnh"
        assert service.level == 3
        assert service.has_online_payment is False
        assert (after.level4 - before.level4, after.level4_verified - before.level4_verified) \
            == (1, 0)
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.object_id, event.unit_id) == ("claim.create", change.id,
                                                                  service.unit_id)

    def test_verify_sets_level_flags_and_verified_count(self, service, leader):
        change = self.claim(service, leader, prerequisites={**LEVEL4, "evaluation": True})
        claimed = kpi.province_figures(db.session, TODAY, target=0.3)
        verifier = factories.user("member", is_verifier=True)
        catalog.verify_claim(db.session, change, actor=verifier, now=NOW)
        verified = kpi.province_figures(db.session, TODAY, target=0.3)
        assert change.status == ClaimStatus.VERIFIED
        assert (change.verified_by_id, change.verified_at) == (verifier.id, NOW)
        assert service.level == 4
        assert (service.has_online_payment, service.has_online_result,
                service.is_connected_evaluation) == (True, True, True)
        assert verified.level4_verified - claimed.level4_verified == 1
        assert verified.level4 == claimed.level4
        assert audit_actions() == ["claim.create", "claim.verify"]

    def test_verify_older_change_keeps_the_latest_level(self, service, leader, claimant):
        change = self.claim(service, claimant, effective_on=date(2020, 6, 1))
        factories.level_change(service, 2, date(2020, 9, 1), source="import")
        catalog.verify_claim(db.session, change, actor=leader, now=NOW)
        assert change.status == ClaimStatus.VERIFIED
        assert service.level == 2

    def test_return_needs_a_reason_and_keeps_the_level(self, service, leader, claimant):
        change = self.claim(service, claimant)
        with pytest.raises(DomainError) as error:
            catalog.return_claim(db.session, change, actor=leader, reason="   ", now=NOW)
        assert error.value.field == "reason"
        assert change.status == ClaimStatus.PENDING
        catalog.return_claim(db.session, change, actor=leader, reason="Chưa kết nối thanh toán",
                             now=NOW)
        assert (change.status, change.return_reason) == (ClaimStatus.RETURNED,
                                                         "Chưa kết nối thanh toán")
        assert service.level == 3
        assert kpi.province_figures(db.session, TODAY, target=0.3).level4 == 0
        assert audit_actions() == ["claim.create", "claim.return"]

    def test_a_returned_claim_allows_a_new_one(self, service, leader, claimant):
        change = self.claim(service, claimant)
        catalog.return_claim(db.session, change, actor=leader, reason="Thiếu minh chứng", now=NOW)
        assert self.claim(service, claimant).status == ClaimStatus.PENDING

    def test_verify_twice_is_refused(self, service, leader, claimant):
        change = self.claim(service, claimant)
        catalog.verify_claim(db.session, change, actor=leader, now=NOW)
        with pytest.raises(DomainError, match="no longer awaiting"):
            catalog.verify_claim(db.session, change, actor=leader, now=NOW)
        with pytest.raises(DomainError, match="no longer awaiting"):
            catalog.return_claim(db.session, change, actor=leader, reason="x", now=NOW)

    @pytest.mark.parametrize(("kwargs", "field", "message"), [
        ({"effective_on": date(2020, 11, 21)}, "effective_on", "future"),
        ({"effective_on": date(2019, 12, 31)}, "effective_on", "before the previous change"),
        ({"effective_on": None}, "effective_on", "Enter the date"),
        ({"to_level": 3}, "to_level", "already at level 3"),
        ({"to_level": 5}, "to_level", "from 1 to 4"),
        ({"prerequisites": {"online_processing": True, "online_result": True}},
         "online_payment", "fee"),
        ({"prerequisites": {"online_payment": True, "online_result": True}},
         "online_processing", "processed online"),
        ({"prerequisites": {"online_processing": True, "online_payment": True}},
         "online_result", "online or by post"),
        ({"prerequisites": None}, "online_processing", "processed online"),
    ])
    def test_refused_claims_write_nothing(self, service, leader, kwargs, field, message):
        with pytest.raises(DomainError, match=message) as error:
            self.claim(service, leader, **kwargs)
        assert error.value.field == field
        assert count(LevelChange) == 1
        assert count(AuditEvent) == 0

    def test_second_pending_claim_is_refused(self, service, leader):
        self.claim(service, leader)
        with pytest.raises(DomainError, match="already has a claim awaiting"):
            self.claim(service, leader, to_level=2)
        assert count(LevelChange) == 2

    def test_payment_not_needed_without_fee(self, unit, leader):
        free = factories.service(unit, level=3, has_fee=False)
        change = self.claim(free, leader, prerequisites={"online_processing": True,
                                                         "online_result": True})
        assert change.status == ClaimStatus.PENDING

    def test_lower_levels_need_no_checklist(self, service, leader):
        assert self.claim(service, leader, to_level=2, prerequisites=None).to_level == 2

    def test_officer_claims_own_unit_only(self, service, unit):
        own = factories.user("unit_officer", unit=unit)
        stranger = factories.user("unit_officer", unit=factories.unit())
        with pytest.raises(PermissionDenied):
            self.claim(service, stranger)
        assert self.claim(service, own).claimed_by_id == own.id

    @pytest.mark.parametrize("role", ["viewer", "admin"])
    def test_roles_that_may_not_claim(self, service, role):
        with pytest.raises(PermissionDenied):
            self.claim(service, factories.user(role))
        assert count(LevelChange) == 1

    def test_only_leaders_and_verifiers_verify(self, service, leader):
        change = self.claim(service, leader)
        for actor in (factories.user("member"), factories.user("unit_officer",
                                                                unit=service.unit),
                      factories.user("admin")):
            with pytest.raises(PermissionDenied):
                catalog.verify_claim(db.session, change, actor=actor, now=NOW)
            with pytest.raises(PermissionDenied):
                catalog.return_claim(db.session, change, actor=actor, reason="x", now=NOW)
        assert change.status == ClaimStatus.PENDING

    def test_claim_links_evidence_and_task(self, service, leader):
        task = factories.task(service.unit)
        change = self.claim(service, leader, task=task)
        assert change.task_id == task.id

    def test_pending_queue_and_count(self, service, leader, unit):
        other = factories.service(factories.unit(), level=2)
        first = self.claim(service, leader)
        second = self.claim(other, leader, to_level=3)
        assert catalog.count_pending(db.session) == 2
        assert db.session.scalars(catalog.pending_claims()).all() == [first, second]
        assert db.session.scalars(catalog.pending_claims(unit.id)).all() == [first]


def test_monthly_usage_covers_twelve_months(unit):
    service = factories.service(unit)
    factories.usage(service, date(2020, 11, 1), total=40, online=30)
    factories.usage(service, date(2019, 12, 1), total=5, online=1)
    factories.usage(service, date(2019, 11, 1), total=99, online=99)
    usage = catalog.monthly_usage(db.session, service, today=TODAY)
    assert [m for m, _ in usage][:2] == [date(2019, 12, 1), date(2020, 1, 1)]
    assert usage[-1][0] == date(2020, 11, 1)
    assert len(usage) == 12
    assert usage[0][1].dossiers_total == 5
    assert usage[-1][1].dossiers_online == 30
    assert all(row is None for _, row in usage[1:-1])


def test_history_is_in_order(unit, leader):
    service = factories.service(unit, level=2)
    factories.level_change(service, 3, date(2020, 5, 1))
    history = catalog.history(db.session, service)
    assert [c.to_level for c in history] == [2, 3]


def test_export_makes_formulas_text(unit):
    factories.service(unit, name='=HYPERLINK("http://evil.test","bấm")', code="@SUM(A1)",
                      field="+cmd")
    factories.service(unit, name="Đăng ký kinh doanh")
    data = catalog.export_workbook(db.session, catalog.Filters(), today=date(2020, 6, 1))
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=first_row(sheet)))
    evil = next(r for r in rows if "HYPERLINK" in str(r[1].value))
    for cell in (evil[0], evil[1], evil[3]):
        assert cell.data_type == "s"
        assert cell.value.startswith("'")
    assert evil[1].value == '\'=HYPERLINK("http://evil.test","bấm")'
    assert any(r[1].value == "Đăng ký kinh doanh" for r in rows)


def test_export_follows_the_filters(unit):
    factories.service(unit, name="Đăng ký kinh doanh", level=4)
    factories.service(unit, name="Cấp phép", level=3)
    data = catalog.export_workbook(db.session, catalog.Filters(q="dang ky"),
                                   today=date(2020, 6, 1))
    sheet = load_workbook(BytesIO(data)).active
    assert [row[1] for row in table(sheet)[1:]] == ["Đăng ký kinh doanh"]


def test_inactive_services_are_not_listed(unit):
    factories.service(unit, name="Cũ", active=False)
    assert db.session.scalar(select(func.count()).select_from(Service)) == 1
    assert names(catalog.Filters()) == []


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
