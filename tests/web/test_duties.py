"""Separation of duties and acceptance with a shortfall, through the pages (issue 15).

The pages say why a button is missing; a POST that the page would not offer is refused with
a clear message and changes nothing.
"""

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, ClaimStatus, Role, TaskKind
from taskforce.services import catalog, tasks
from tests import factories

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)
CHECKLIST = {"online_processing": True, "online_payment": True, "online_result": True,
             "evaluation": True}
OWN_CLAIM_VI = ("Bạn đã gửi đề nghị này nên không thể tự xác minh; cần một người khác có quyền "
                "xác minh.")
OWN_REPORT_VI = ("Bạn đã báo cáo hoàn thành nhiệm vụ này nên không thể tự nghiệm thu; cần một "
                 "người khác có quyền nghiệm thu.")


@pytest.fixture
def unit(app):
    made = factories.unit("Sở Tư pháp")
    db.session.commit()
    return made


def events():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def own_claim(unit, user):
    service = factories.service(unit, level=3)
    change = catalog.claim_level(db.session, service, actor=user, to_level=4, effective_on=TODAY,
                                 today=TODAY, prerequisites=CHECKLIST, now=NOW)
    db.session.commit()
    return service, change


@pytest.mark.parametrize("role, extra", [("member", {"is_verifier": True}), ("leader", {})])
def test_the_claimant_sees_why_and_a_posted_verification_changes_nothing(client, login_as, unit,
                                                                        role, extra):
    user = login_as(role, locale="vi", **extra)
    service, change = own_claim(unit, user)
    before = events()
    page = client.get(f"/catalog/{service.id}").text
    assert OWN_CLAIM_VI in page
    assert f"/catalog/claims/{change.id}/verify" not in page
    queue = client.get("/catalog/claims").text
    assert OWN_CLAIM_VI in queue and f"/catalog/claims/{change.id}/verify" not in queue

    response = client.post(f"/catalog/claims/{change.id}/verify", follow_redirects=True)
    assert response.status_code == 200
    assert "Bạn đã gửi đề nghị này nên không thể tự xác minh hay trả lại" in response.text
    response = client.post(f"/catalog/claims/{change.id}/return",
                           data={"reason": "Thiếu minh chứng"})
    assert response.status_code == 200 and "không thể tự trả lại" in response.text
    db.session.expire_all()
    assert change.status == ClaimStatus.PENDING and change.verified_by_id is None
    assert service.level == 3 and events() == before


def test_the_claimant_may_not_verify_through_the_task_page(client, login_as, unit):
    user = login_as("member", locale="en", is_verifier=True)
    factories.member(user=user, units=[unit])
    service = factories.service(unit, level=3)
    task = factories.task(unit, kind=TaskKind.UPGRADE, status="in_progress", services=[service])
    db.session.commit()
    change = tasks.claim_service(db.session, task, service.id, actor=user, to_level=4,
                                 effective_on=TODAY, today=TODAY, prerequisites=CHECKLIST,
                                 now=NOW)
    db.session.commit()
    page = client.get(f"/tasks/{task.id}").text
    assert "You made this claim, so you cannot verify it yourself" in page
    assert f"/claims/{change.id}/verify" not in page
    response = client.post(f"/tasks/{task.id}/claims/{change.id}/verify",
                           follow_redirects=True)
    assert "You made this claim, so you cannot verify or return it yourself" in response.text
    db.session.expire_all()
    assert change.status == ClaimStatus.PENDING and service.level == 3


def test_the_reporter_sees_why_and_a_posted_acceptance_changes_nothing(client, login_as, unit):
    user = login_as("member", locale="vi", is_verifier=True)
    factories.member(user=user, units=[unit])
    task = factories.task(unit, status="in_progress")
    db.session.commit()
    tasks.log_update(db.session, task, actor=user, now=NOW, today=TODAY, status="reported")
    db.session.commit()
    page = client.get(f"/tasks/{task.id}").text
    assert OWN_REPORT_VI in page
    assert f"/tasks/{task.id}/accept" not in page
    before = events()
    response = client.post(f"/tasks/{task.id}/accept", data={"note": "Tự nghiệm thu"},
                           follow_redirects=True)
    assert response.status_code == 200 and OWN_REPORT_VI in response.text
    db.session.expire_all()
    assert task.status == "reported" and task.completed_on is None and events() == before


def reported_upgrade(unit, officer, verified=1):
    services = [factories.service(unit, level=4 if n < verified else 3) for n in range(3)]
    task = factories.task(unit, kind=TaskKind.UPGRADE, status="in_progress", services=services)
    db.session.commit()
    tasks.log_update(db.session, task, actor=officer, now=NOW, today=TODAY, status="reported")
    db.session.commit()
    return task


def test_the_leader_accepts_with_a_shortfall_and_a_reason(client, login_as, unit):
    leader = login_as("leader", locale="en")
    task = reported_upgrade(unit, factories.user(Role.UNIT_OFFICER, unit=unit))
    page = client.get(f"/tasks/{task.id}").text
    assert "2 services are not verified at level 4" in page
    assert "Accept with a shortfall" in page and 'name="shortfall_reason"' in page
    assert ">Accept as done</button>" not in page

    response = client.post(f"/tasks/{task.id}/accept", data={"shortfall_reason": "  "},
                           follow_redirects=True)
    assert "2 of the 3 services are not verified at level 4" in response.text
    db.session.expire_all()
    assert task.status == "reported" and task.shortfall_reason is None

    response = client.post(f"/tasks/{task.id}/accept", data={
        "shortfall_reason": "Hai dịch vụ chờ Bộ Tài chính kết nối thanh toán"},
        follow_redirects=True)
    assert "The task has been accepted with a shortfall." in response.text
    db.session.expire_all()
    assert task.status == "done" and task.shortfall_reason.startswith("Hai dịch vụ")
    page = client.get(f"/tasks/{task.id}").text
    assert 'id="shortfall"' in page and "Hai dịch vụ chờ Bộ Tài chính" in page
    assert "Accepted with a shortfall: 1 of 3 services verified at level 4" in page
    # Its class, on the task page and the unit's: done with a shortfall, not done on time.
    assert "Done with a shortfall" in page and "Done on time" not in page
    unit_page = client.get(f"/units/{unit.id}").text
    assert "Done with a shortfall" in unit_page
    assert leader.id == db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "task.accept_shortfall"))


def test_a_verifier_may_not_accept_with_a_shortfall(client, login_as, unit):
    login_as("member", locale="en", is_verifier=True)
    task = reported_upgrade(unit, factories.user(Role.UNIT_OFFICER, unit=unit))
    page = client.get(f"/tasks/{task.id}").text
    assert "Only the leadership may accept the task with a shortfall." in page
    assert 'name="shortfall_reason"' not in page
    response = client.post(f"/tasks/{task.id}/accept", data={"shortfall_reason": "Còn thiếu"},
                           follow_redirects=True)
    assert "Only the leadership may accept a task with a shortfall" in response.text
    db.session.expire_all()
    assert task.status == "reported"


def test_the_settings_page_offers_the_second_check(client, login_as):
    login_as("admin", locale="en")
    page = client.get("/admin/settings").text
    assert '<input checked class="form-check-input" id="imports_need_second_check" ' \
           'name="imports_need_second_check" type="checkbox"' in page


def test_an_import_says_its_levels_await_another_verifier(client, login_as, unit):
    login_as("leader", locale="en")
    service = factories.service(unit, level=3, code="1.1")
    db.session.commit()
    data = ("Mã thủ tục,Tên thủ tục,Cơ quan thực hiện,Mức độ\r\n"
            f"1.1,{service.name},Sở Tư pháp,4\r\n").encode("utf-8-sig")
    preview = client.post("/catalog/import", data={"kind": "catalog",
                                                   "file": (io.BytesIO(data), "catalog.csv")},
                          content_type="multipart/form-data").text
    assert "recorded as claims awaiting verification" in preview
    assert "another person who may verify claims must verify them" in preview
