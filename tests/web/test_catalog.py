"""Catalog pages: list, filters, service page, claims, verification, export, evidence."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Attachment, AuditEvent, ClaimStatus, LevelChange, Service
from taskforce.services import kpi
from taskforce.web.catalog import bp
from tests import factories
from tests.sheets import first_row, table

TODAY = date(2020, 11, 20)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
LEVEL4 = {"to_level": "4", "effective_on": "10/11/2020", "online_processing": "y",
          "online_payment": "y", "online_result": "y"}


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY.isoformat()


@pytest.fixture
def login(login_as):
    """Log in with English pages, so the assertions read the messages as written."""

    def english(role, **kw):
        return login_as(role, locale="en", **kw)

    return english


@pytest.fixture
def unit(app):
    return factories.unit("Sở Kế hoạch và Đầu tư")


@pytest.fixture
def service(unit):
    svc = factories.service(unit, level=3, has_fee=True, name="Đăng ký kinh doanh",
                            code="1.001612")
    db.session.commit()
    return svc


def text(response):
    return response.get_data(as_text=True)


def pending_count():
    return db.session.scalar(select(func.count(LevelChange.id))
                             .where(LevelChange.status == ClaimStatus.PENDING))


def post_claim(client, service, data, files=None):
    form = dict(data)
    if files:
        form["evidence"] = files
    return client.post(f"/catalog/{service.id}/claim", data=form,
                       content_type="multipart/form-data")


class TestList:
    def test_search_ignores_accents_and_case(self, client, login, unit, service):
        factories.service(unit, name="Cấp giấy phép xây dựng")
        db.session.commit()
        login("viewer")
        for query in ("dang ky kinh doanh", "DANG KY", "Đăng Ký"):
            page = text(client.get("/catalog", query_string={"q": query}))
            assert "Đăng ký kinh doanh" in page
            assert "Cấp giấy phép xây dựng" not in page

    def test_filters_and_empty_state(self, client, login, unit, service):
        factories.service(unit, level=2, name="Cấp giấy phép xây dựng", field="Xây dựng")
        db.session.commit()
        login("viewer")
        page = text(client.get("/catalog", query_string={"level": "2"}))
        assert "Cấp giấy phép xây dựng" in page and "Đăng ký kinh doanh" not in page
        page = text(client.get("/catalog", query_string={"field": "Xây dựng", "missing": "any"}))
        assert "Cấp giấy phép xây dựng" in page and "Đăng ký kinh doanh" not in page
        page = text(client.get("/catalog", query_string={"q": "khong co"}))
        assert "No service matches these filters" in page

    def test_nonsense_arguments_are_ignored(self, client, login, service):
        login("viewer")
        response = client.get("/catalog", query_string={
            "level": "abc", "unit": "-1", "page": "x", "sort": "drop", "verified": "maybe"})
        assert response.status_code == 200
        assert "Đăng ký kinh doanh" in text(response)

    def test_paging(self, client, login, unit):
        for n in range(30):
            factories.service(unit, name=f"Thủ tục {n:02d}")
        db.session.commit()
        login("viewer")
        first = text(client.get("/catalog"))
        second = text(client.get("/catalog", query_string={"page": 2}))
        assert "Thủ tục 00" in first and "Thủ tục 29" not in first
        assert "Thủ tục 29" in second and "Thủ tục 00" not in second
        assert "30 in all" in first

    def test_empty_catalog_says_what_to_do(self, client, login):
        login("viewer")
        assert "import it from an Excel sheet" in text(client.get("/catalog"))

    def test_fixed_number_of_queries(self, client, login, count_queries):
        login("leader")

        def queries_for(n):
            unit = factories.unit()
            for i in range(n):
                svc = factories.service(unit, field=f"Lĩnh vực {i % 3}")
                if i % 2:
                    factories.level_change(svc, 4, date(2020, 11, 1),
                                           status=ClaimStatus.PENDING)
            db.session.commit()
            with count_queries() as queries:
                response = client.get("/catalog", query_string={"sort": "unit"})
            assert response.status_code == 200
            return queries.count

        assert queries_for(5) == queries_for(50)


class TestDetail:
    def test_history_prerequisites_and_usage(self, client, login, service):
        claimant = factories.user("member", full_name="Hà Văn Tiến")
        factories.level_change(service, 4, date(2020, 11, 2), status=ClaimStatus.RETURNED,
                               claimed_by_id=claimant.id, return_reason="Thiếu minh chứng")
        factories.usage(service, date(2020, 10, 1), total=120, online=90)
        db.session.commit()
        login("viewer")
        page = text(client.get(f"/catalog/{service.id}"))
        assert "Đăng ký kinh doanh" in page
        assert "Hà Văn Tiến" in page and "Thiếu minh chứng" in page
        assert "10/2020" in page and "120" in page
        assert "Level history" in page
        assert "Claim a new level" not in page

    def test_missing_service_is_404(self, client, login):
        login("viewer")
        assert client.get("/catalog/999999").status_code == 404


class TestClaim:
    def test_officer_claims_own_unit_with_evidence(self, client, login, unit, service, app):
        officer = login("unit_officer", unit=unit)
        assert client.get(f"/catalog/{service.id}/claim").status_code == 200
        response = post_claim(client, service, {**LEVEL4, "note": "Cổng DVC"},
                              (BytesIO(PNG), "ảnh cổng.png"))
        assert response.status_code == 302
        change = db.session.scalars(select(LevelChange).where(
            LevelChange.status == ClaimStatus.PENDING)).one()
        assert (change.claimed_by_id, change.to_level) == (officer.id, 4)
        assert change.evidence.original_name == "ảnh cổng.png"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert actions == {"claim.create", "attachment.upload"}
        download = client.get(f"/files/{change.evidence_id}")
        assert download.status_code == 200
        assert download.data == PNG
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment")
        assert "filename*=UTF-8''%E1%BA%A3nh" in download.headers["Content-Disposition"]

    def test_officer_of_another_unit_gets_403(self, client, login, service):
        login("unit_officer")
        assert client.get(f"/catalog/{service.id}/claim").status_code == 403
        assert post_claim(client, service, LEVEL4).status_code == 403
        assert pending_count() == 0

    @pytest.mark.parametrize("role", ["viewer", "admin"])
    def test_roles_without_claims_get_403(self, client, login, service, role):
        login(role)
        assert client.get(f"/catalog/{service.id}/claim").status_code == 403

    @pytest.mark.parametrize(("change", "message"), [
        ({"effective_on": "21/11/2020"}, "cannot be in the future"),
        ({"to_level": "3"}, "already at level 3"),
        ({"online_payment": ""}, "charges a fee"),
        ({"effective_on": "2020-11-21"}, "Write the date as dd/mm/yyyy."),
    ])
    def test_refused_claim_shows_why_and_writes_nothing(self, client, login, service,
                                                        change, message):
        login("member")
        data = {k: v for k, v in {**LEVEL4, **change}.items() if v}
        response = post_claim(client, service, data)
        assert response.status_code == 200
        assert message in text(response)
        assert pending_count() == 0
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 0

    def test_second_pending_claim_is_refused(self, client, login, service):
        login("leader")
        assert post_claim(client, service, LEVEL4).status_code == 302
        response = post_claim(client, service, {**LEVEL4, "to_level": "2"})
        assert "already has a claim awaiting verification" in text(response)
        assert pending_count() == 1

    def test_exe_renamed_pdf_is_refused(self, client, login, service, app):
        login("leader")
        response = post_claim(client, service, LEVEL4, (BytesIO(EXE), "minh-chung.pdf"))
        assert response.status_code == 200
        assert "This kind of file is not accepted" in text(response)
        assert pending_count() == 0
        assert db.session.scalar(select(func.count(Attachment.id))) == 0

    def test_oversize_file_is_refused(self, client, login, service, app):
        app.config["MAX_UPLOAD_BYTES"] = 32
        login("leader")
        response = post_claim(client, service, LEVEL4, (BytesIO(PNG), "a.png"))
        assert "The file is too large" in text(response)
        assert pending_count() == 0


class TestVerification:
    @pytest.fixture
    def change(self, service):
        claimant = factories.user("member")
        change = factories.level_change(service, 4, date(2020, 11, 10),
                                        status=ClaimStatus.PENDING, claimed_by_id=claimant.id)
        db.session.commit()
        return change

    def test_member_without_verifier_right_gets_403(self, client, login, change):
        login("member")
        assert client.get("/catalog/claims").status_code == 403
        assert client.post(f"/catalog/claims/{change.id}/verify").status_code == 403
        assert client.get(f"/catalog/claims/{change.id}/return").status_code == 403
        db.session.refresh(change)
        assert change.status == ClaimStatus.PENDING

    @pytest.mark.parametrize("role", ["viewer", "unit_officer", "admin"])
    def test_other_roles_get_403(self, client, login, change, role):
        login(role)
        assert client.post(f"/catalog/claims/{change.id}/verify").status_code == 403

    def test_verifier_verifies(self, client, login, change, service):
        before = kpi.province_figures(db.session, TODAY, target=0.3)
        verifier = login("member", is_verifier=True)
        queue = text(client.get("/catalog/claims"))
        assert "Đăng ký kinh doanh" in queue
        response = client.post(f"/catalog/claims/{change.id}/verify",
                               data={"next": f"/catalog/{service.id}"})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/catalog/{service.id}")
        db.session.expire_all()
        assert change.status == ClaimStatus.VERIFIED and change.verified_by_id == verifier.id
        assert db.session.get(Service, service.id).level == 4
        after = kpi.province_figures(db.session, TODAY, target=0.3)
        assert after.level4_verified == before.level4_verified + 1
        assert after.level4 == before.level4
        assert db.session.scalars(select(AuditEvent.action)).all() == ["claim.verify"]

    def test_unsafe_next_is_ignored(self, client, login, change):
        login("leader")
        response = client.post(f"/catalog/claims/{change.id}/verify",
                               data={"next": "https://evil.test/"})
        assert response.headers["Location"].endswith("/catalog/claims")

    def test_return_needs_a_reason(self, client, login, change):
        login("leader")
        assert client.get(f"/catalog/claims/{change.id}/return").status_code == 200
        response = client.post(f"/catalog/claims/{change.id}/return", data={"reason": ""})
        assert response.status_code == 200
        assert "This field is required" in text(response)
        db.session.refresh(change)
        assert change.status == ClaimStatus.PENDING
        response = client.post(f"/catalog/claims/{change.id}/return",
                               data={"reason": "Chưa thanh toán trực tuyến"})
        assert response.status_code == 302
        db.session.refresh(change)
        assert (change.status, change.return_reason) == (ClaimStatus.RETURNED,
                                                         "Chưa thanh toán trực tuyến")

    def test_nav_shows_the_pending_count(self, client, login, change):
        login("leader")
        page = text(client.get("/catalog"))
        assert "Claims to verify" in page
        assert 'badge text-bg-light">1<' in page

    def test_empty_queue(self, client, login):
        login("leader")
        assert "No claim is waiting for verification" in text(client.get("/catalog/claims"))


class TestEvidence:
    def test_task_file_refused_to_officer_of_another_unit(self, client, login, unit, app,
                                                          tmp_path):
        task = factories.task(unit)
        attachment = Attachment(task_id=task.id, original_name="kế hoạch.pdf",
                                stored_name="ab" * 16, content_type="application/pdf",
                                size=9)
        db.session.add(attachment)
        db.session.commit()
        upload_dir = tmp_path / "uploads"
        upload_dir.mkdir(exist_ok=True)
        (upload_dir / attachment.stored_name).write_bytes(b"%PDF-1.4\n")
        login("unit_officer")
        assert client.get(f"/files/{attachment.id}").status_code in (403, 404)

    def test_task_file_served_to_own_unit(self, client, login, unit, tmp_path):
        task = factories.task(unit)
        attachment = Attachment(task_id=task.id, original_name="kế hoạch.pdf",
                                stored_name="cd" * 16, content_type="application/pdf",
                                size=9)
        db.session.add(attachment)
        db.session.commit()
        (tmp_path / "uploads").mkdir(exist_ok=True)
        (tmp_path / "uploads" / attachment.stored_name).write_bytes(b"%PDF-1.4\n")
        login("unit_officer", unit=unit)
        response = client.get(f"/files/{attachment.id}")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"

    def test_missing_file_is_404(self, client, login):
        login("viewer")
        assert client.get("/files/12345").status_code == 404


class TestExport:
    def test_formulas_come_out_as_text(self, client, login, unit, service):
        factories.service(unit, name='=HYPERLINK("http://evil.test","Bấm vào")')
        db.session.commit()
        login("viewer")
        response = client.get("/catalog/export.xlsx")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        sheet = load_workbook(BytesIO(response.data)).active
        cells = [row[1] for row in sheet.iter_rows(min_row=first_row(sheet))]
        evil = next(c for c in cells if "HYPERLINK" in c.value)
        assert evil.data_type == "s"
        assert evil.value.startswith("'")
        assert "Đăng ký kinh doanh" in [c.value for c in cells]

    def test_export_follows_the_filters(self, client, login, unit, service):
        factories.service(unit, name="Cấp giấy phép xây dựng")
        db.session.commit()
        login("viewer")
        response = client.get("/catalog/export.xlsx", query_string={"q": "dang ky"})
        sheet = load_workbook(BytesIO(response.data)).active
        assert [row[1] for row in table(sheet)[1:]] == ["Đăng ký kinh doanh"]


def test_every_catalog_route_declares_a_permission(app):
    mine = {"index", "export", "detail", "claim", "claims", "verify", "return_claim",
            "evidence"}
    for endpoint in mine:
        view = app.view_functions[f"{bp.name}.{endpoint}"]
        assert getattr(view, "permission", None), endpoint


def test_anonymous_is_sent_to_login(client, service):
    response = client.get("/catalog")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
