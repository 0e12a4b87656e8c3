"""Separation of duties and acceptance that matches the figures (issue 15, "Integrity").

Each failure the issue found, through the services: a verifier (or the leader) verifying the
claim they made, a member accepting the task they reported done, an upgrade task accepted with
unverified services counted as done on time, imported levels counted without a second person.
"""

import csv
import io
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce import permissions
from taskforce.extensions import db
from taskforce.models import (
    AuditEvent,
    ClaimStatus,
    LevelChange,
    OutboxMessage,
    Role,
    Service,
    Task,
    TaskKind,
)
from taskforce.services import (
    catalog,
    catalog_import,
    kpi,
    review_exports,
    review_mail,
    reviews,
    settings,
    tasks,
)
from taskforce.services.errors import DomainError, PermissionDenied
from tests import factories

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)
CREATED = datetime(2020, 11, 2, 3, 0, tzinfo=UTC)
CHECKLIST = {"online_processing": True, "online_payment": True, "online_result": True,
             "evaluation": True}


@pytest.fixture
def world(app):
    unit = factories.unit("Sở Tư pháp")
    w = {"unit": unit,
         "services": [factories.service(unit, level=3, code=f"1.00{n}") for n in (1, 2, 3)],
         "leader": factories.user(Role.LEADER), "deputy": factories.user(Role.LEADER),
         "officer": factories.user(Role.UNIT_OFFICER, unit=unit)}
    for key in ("verifier", "other_verifier"):
        w[key] = factories.user(Role.MEMBER, is_verifier=True)
        factories.member(user=w[key], units=[unit])
    db.session.commit()
    return w


def claim(world, actor, service=None):
    return catalog.claim_level(db.session, service or world["services"][0], actor=actor,
                               to_level=4, effective_on=TODAY, today=TODAY,
                               prerequisites=CHECKLIST, now=NOW)


def upgrade_task(world, services=None, status="in_progress"):
    task = factories.task(world["unit"], kind=TaskKind.UPGRADE, status=status,
                          services=list(services if services is not None
                                        else world["services"]), created_at=CREATED)
    db.session.commit()
    return task


def report(task, actor):
    tasks.log_update(db.session, task, actor=actor, now=NOW, today=TODAY, status="reported",
                     note="Đã hoàn thành")
    db.session.commit()


def audit_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


# Claims: whoever claimed does not verify or return ------------------------------------------

@pytest.mark.parametrize("claimant", ["verifier", "leader"])
def test_the_claimant_may_not_verify_their_own_claim(world, claimant):
    change = claim(world, world[claimant])
    db.session.commit()
    events = audit_count()
    with pytest.raises(PermissionDenied, match="không thể tự xác minh hay trả lại"):
        tasks.verify_claim(db.session, change, actor=world[claimant], now=NOW)
    db.session.rollback()
    with pytest.raises(PermissionDenied, match="không thể tự xác minh hay trả lại"):
        catalog.return_claim(db.session, change, actor=world[claimant], reason="Thiếu",
                             now=NOW)
    db.session.rollback()
    assert change.status == ClaimStatus.PENDING and world["services"][0].level == 3
    assert audit_count() == events
    assert not permissions.can(world[claimant], "claims.decide", change)
    assert permissions.can(world[claimant], "claims.verify")  # a verifier of others' claims
    other = world["other_verifier"] if claimant == "verifier" else world["deputy"]
    assert permissions.can(other, "claims.decide", change)
    tasks.verify_claim(db.session, change, actor=other, now=NOW)
    assert change.status == ClaimStatus.VERIFIED and world["services"][0].level == 4


def test_the_claims_queue_knows_whose_claims_they_are(world):
    own = claim(world, world["verifier"])
    others = claim(world, world["officer"], world["services"][1])
    db.session.commit()
    mine = set(db.session.scalars(select(LevelChange.id).where(
        LevelChange.status == ClaimStatus.PENDING,
        permissions.where(world["verifier"], "claims.decide"))))
    assert others.id in mine and own.id not in mine


# Tasks: whoever reported it done does not accept it ------------------------------------------

@pytest.mark.parametrize("reporter, other", [("verifier", "other_verifier"),
                                              ("leader", "deputy")])
def test_the_reporter_may_not_accept_their_own_report(world, reporter, other):
    task = factories.task(world["unit"], status="in_progress")
    db.session.commit()
    report(task, world[reporter])
    assert task.reported_by_id == world[reporter].id
    assert "accept" not in permissions.task_actions(world[reporter], task)
    assert permissions.refusal(world[reporter], task, "accept") == "own_report"
    events = audit_count()
    with pytest.raises(PermissionDenied, match="không thể tự nghiệm thu"):
        tasks.accept_task(db.session, task, actor=world[reporter], now=NOW, today=TODAY)
    db.session.rollback()
    assert task.status == "reported" and task.completed_on is None
    assert audit_count() == events
    # Returning one's own report only withdraws it: allowed (no figure moves).
    assert "return" in permissions.task_actions(world[reporter], task)
    assert "accept" in permissions.task_actions(world[other], task)
    tasks.accept_task(db.session, task, actor=world[other], now=NOW, today=TODAY)
    assert task.status == "done"


def test_a_reporter_may_accept_a_task_someone_else_reported_later(world):
    task = factories.task(world["unit"], status="in_progress")
    db.session.commit()
    report(task, world["verifier"])
    tasks.return_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                      reason="Thiếu biên bản")
    report(task, world["officer"])
    assert task.reported_by_id == world["officer"].id
    assert "accept" in permissions.task_actions(world["verifier"], task)


# Acceptance that matches the figures ----------------------------------------------------------

def test_an_upgrade_task_with_unverified_services_needs_a_shortfall_reason(world):
    first = world["services"][0]
    change = claim(world, world["officer"], first)
    tasks.verify_claim(db.session, change, actor=world["verifier"], now=NOW)
    task = upgrade_task(world)
    report(task, world["officer"])
    events = audit_count()
    for actor, reason, error in ((world["leader"], "", DomainError),
                                 (world["leader"], "   ", DomainError),
                                 (world["verifier"], "Còn 2 dịch vụ", PermissionDenied)):
        with pytest.raises(error) as raised:
            tasks.accept_task(db.session, task, actor=actor, now=NOW, today=TODAY,
                              shortfall_reason=reason)
        assert raised.value.field == "shortfall_reason"
        db.session.rollback()
        assert task.status == "reported" and task.shortfall_reason is None
        assert audit_count() == events
    with pytest.raises(DomainError, match="2 trong số 3 dịch vụ"):
        tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY)
    db.session.rollback()

    tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                      shortfall_reason="Hai dịch vụ chờ Bộ kết nối thanh toán")
    db.session.commit()
    assert task.status == "done" and task.completed_on == TODAY <= task.due_on
    assert task.shortfall_reason == "Hai dịch vụ chờ Bộ kết nối thanh toán"
    # Counted apart: never done on time, in Python and in SQL alike.
    assert tasks.classify(task, TODAY) == tasks.DONE_SHORT
    assert db.session.scalar(select(tasks.classification_expr(TODAY))
                             .where(Task.id == task.id)) == tasks.DONE_SHORT
    counts = tasks.count_by_classification(db.session, TODAY)
    assert counts["done_short"] == 1 and counts["done_on_time"] == 0
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "task.accept_shortfall"))
    assert event.changes == {"services": 3, "verified": 1,
                             "reason": "Hai dịch vụ chờ Bộ kết nối thanh toán"}
    page = tasks.task_page(db.session, task, TODAY)
    shortfall = [e for e in page.timeline if e.kind == "shortfall"]
    assert len(shortfall) == 1 and shortfall[0].extra == {"services": 3, "verified": 1}


def test_an_upgrade_task_fully_verified_is_done_on_time_without_a_reason(world):
    service = world["services"][0]
    task = upgrade_task(world, [service])
    tasks.claim_service(db.session, task, service.id, actor=world["officer"], to_level=4,
                        effective_on=TODAY, today=TODAY, prerequisites=CHECKLIST, now=NOW)
    report(task, world["officer"])
    change = db.session.scalar(select(LevelChange).where(LevelChange.task_id == task.id))
    tasks.verify_task_claim(db.session, task, change, actor=world["verifier"], now=NOW)
    tasks.accept_task(db.session, task, actor=world["verifier"], now=NOW, today=TODAY,
                      shortfall_reason="ignored: nothing is missing")
    assert task.status == "done" and task.shortfall_reason is None
    assert tasks.classify(task, TODAY) == "done_on_time"


def test_a_review_counts_a_shortfall_apart(world):
    task = upgrade_task(world)
    report(task, world["officer"])
    tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                      shortfall_reason="Chưa dịch vụ nào được xác minh")
    db.session.commit()
    snapshot = reviews.build_snapshot(db.session, kind="custom", start=date(2020, 11, 1),
                                      end=TODAY, now=NOW)
    assert snapshot["tasks"]["done_short"] == 1
    assert snapshot["tasks"]["done_on_time"] == 0 and snapshot["tasks"]["total"] == 1
    (row,) = [r for r in snapshot["units"] if r["id"] == world["unit"].id]
    assert row["tasks"]["done_short"] == 1 and row["tasks"]["done_on_time"] == 0


# Imported levels: a second person's check unless turned off ---------------------------------

def catalog_file(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ"],
                                  *rows])
    return buffer.getvalue().encode("utf-8-sig")


def test_imported_levels_await_a_second_person_by_default(world):
    service = world["services"][0]
    leader = world["leader"]
    assert permissions.imports_need_second_check()
    assert not permissions.can(leader, "catalog.import_verified")
    data = catalog_file([[service.code, service.name, "Sở Tư pháp", "4"]])
    plan = catalog_import.import_file(
        db.session, "catalog", data, "catalog.csv", actor=leader,
        verified=permissions.can(leader, "catalog.import_verified"), today=TODAY, now=NOW)
    assert plan.ok
    db.session.commit()
    change = db.session.scalar(select(LevelChange).where(LevelChange.source == "import"))
    assert change.status == ClaimStatus.PENDING and change.claimed_by_id == leader.id
    assert service.level == 3
    with pytest.raises(PermissionDenied, match="không thể tự xác minh hay trả lại"):
        tasks.verify_claim(db.session, change, actor=leader, now=NOW)
    db.session.rollback()
    tasks.verify_claim(db.session, change, actor=world["deputy"], now=NOW)
    assert service.level == 4


def test_a_new_service_imported_at_a_counted_level_awaits_a_second_person(world):
    """A new row at level 3 or 4 would move the figures at once: it is a claim too."""
    leader = world["leader"]
    data = catalog_file([["9.000001", "Cấp giấy phép mới", "Sở Tư pháp", "Toàn trình"],
                         ["9.000002", "Thông tin thủ tục", "Sở Tư pháp", "2"]])
    before = kpi.province_figures(db.session, TODAY)
    assert catalog_import.import_file(db.session, "catalog", data, "catalog.csv", actor=leader,
                                      verified=False, today=TODAY, now=NOW).ok
    db.session.commit()
    added = {s.code: s for s in db.session.scalars(
        select(Service).where(Service.code.in_(["9.000001", "9.000002"])))}
    initial = {code: db.session.scalar(select(LevelChange).where(
        LevelChange.service_id == svc.id)) for code, svc in added.items()}
    assert (initial["9.000001"].status, initial["9.000001"].to_level) == (ClaimStatus.PENDING, 4)
    assert initial["9.000002"].status == ClaimStatus.VERIFIED  # level 2 counts nowhere
    assert added["9.000001"].level == 2
    after = kpi.province_figures(db.session, TODAY)
    # The pending listing counts nowhere until it is verified; the level-2 one counts at once.
    assert (after.services, after.level4_verified) == (before.services + 1,
                                                       before.level4_verified)
    with pytest.raises(PermissionDenied):
        tasks.verify_claim(db.session, initial["9.000001"], actor=leader, now=NOW)
    db.session.rollback()
    tasks.verify_claim(db.session, initial["9.000001"], actor=world["deputy"], now=NOW)
    db.session.commit()
    assert added["9.000001"].level == 4
    verified = kpi.province_figures(db.session, TODAY)
    assert (verified.services, verified.level4_verified) == (before.services + 2,
                                                             before.level4_verified + 1)


def form_values(session, **changes):
    """The settings page's values as its form sends them, with ``changes``."""
    current = settings.current_values(session)
    values = {**current, **{key: "\n".join(d.isoformat() for d in current[key])
                            for key in (settings.EXTRA_DAYS_OFF, settings.MAKEUP_WORKDAYS)},
              "report_recipients": "\n".join(current["report_recipients"])}
    values.update(changes)
    return values


def test_turning_the_second_check_off_is_audited(world):
    admin = factories.user(Role.ADMIN)
    changes = settings.save(db.session, actor=admin, now=NOW, values=form_values(
        db.session, imports_need_second_check=False))
    db.session.commit()
    assert changes == {"imports_need_second_check": [True, False]}
    assert not permissions.imports_need_second_check()
    assert permissions.can(world["leader"], "catalog.import_verified")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.update"))
    assert event.actor_id == admin.id
    assert event.changes == {"imports_need_second_check": [True, False]}
    # Saving a form without the field leaves the setting as it is.
    values = form_values(db.session)
    del values["imports_need_second_check"]
    assert settings.save(db.session, actor=admin, now=NOW, values=values) == {}
    assert not permissions.imports_need_second_check()


def test_the_review_files_and_e_mail_count_a_shortfall_apart(world):
    task = upgrade_task(world)
    report(task, world["officer"])
    tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                      shortfall_reason="Chưa dịch vụ nào được xác minh")
    factories.member(user=world["leader"])
    db.session.commit()
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 11, 1), end=TODAY,
                                  now=NOW)
    book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
    rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    assert any(row[:2] == ("Hoàn thành có thiếu hụt", 1) for row in rows)
    assert any(row[:2] == ("Hoàn thành đúng hạn", 0) for row in rows)
    document = Document(BytesIO(review_exports.review_docx(
        review, province_name="Bắc Kạn", issuer=("UBND TỈNH BẮC KẠN", "Tổ công tác"),
        symbol="BC-TCT")))
    (table,) = [t for t in document.tables
                if t.rows[0].cells[0].text == "Hoàn thành đúng hạn"]
    header = [cell.text for cell in table.rows[0].cells]
    values = [cell.text for cell in table.rows[1].cells]
    assert values[header.index("Hoàn thành có thiếu hụt")] == "1"
    assert values[header.index("Hoàn thành đúng hạn")] == "0"
    assert review_mail.send_review(db.session, review, now=NOW) >= 1
    message = db.session.scalar(select(OutboxMessage))
    assert "Hoàn thành có thiếu hụt: 1" in message.body_text
    assert "Hoàn thành có thiếu hụt</th>" in message.body_html
