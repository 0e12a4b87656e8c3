"""Task services: creation rules, the workflow by role, progress, extensions, classes, lists."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from taskforce.extensions import db
from taskforce.models import (
    Attachment,
    AuditEvent,
    ExtensionRequest,
    LevelChange,
    Notification,
    Priority,
    StatusUpdate,
    Task,
    TaskKind,
)
from taskforce.services import catalog, tasks
from taskforce.services.errors import DomainError, PermissionDenied
from tests import factories
from tests.sheets import table

TODAY = date(2020, 11, 20)
NOW = datetime(2020, 11, 20, 3, 0, tzinfo=UTC)
DUE = date(2020, 12, 15)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
LEVEL4 = {"online_processing": True, "online_payment": True, "online_result": True}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def notified(user):
    return [n.kind for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def upload(data, name="bien-ban.png"):
    return FileStorage(stream=BytesIO(data), filename=name)


@pytest.fixture(autouse=True)
def english(app):
    """Read the messages as written in the code."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def world(app):
    """A unit with two level-3 services, its officer, a member following it, the leadership."""
    unit = factories.unit("Sở Tư pháp")
    other = factories.unit("Huyện Ba Bể")
    w = {
        "unit": unit, "other": other,
        "s1": factories.service(unit, level=3, code="1.001"),
        "s2": factories.service(unit, level=3, code="1.002"),
        "s4": factories.service(unit, level=4, code="1.004"),
        "foreign": factories.service(other, level=3, code="2.001"),
        "leader": factories.user("leader"),
        "officer": factories.user("unit_officer", unit=unit),
        "other_officer": factories.user("unit_officer", unit=other),
        "viewer": factories.user("viewer"),
    }
    member_user = factories.user("member")
    w["member"] = factories.member(user=member_user, units=[unit])
    w["member_user"] = member_user
    stranger = factories.user("member")
    factories.member(user=stranger, units=[other])
    w["stranger"] = stranger
    verifier = factories.user("member", is_verifier=True)
    factories.member(user=verifier)
    w["verifier"] = verifier
    db.session.commit()
    return w


def make(world, kind=TaskKind.UPGRADE, **kw):
    args = {"actor": world["leader"], "today": TODAY, "kind": kind, "title": "Nâng cấp DVC",
            "due_on": DUE, "unit": world["unit"], "follower": world["member"], "now": NOW}
    if kind == TaskKind.UPGRADE:
        args["services"] = [world["s1"], world["s2"]]
    args.update(kw)
    when = {key: args.pop(key) for key in ("actor", "today", "now")}
    if "services" in args:
        args["services"] = tuple(args["services"])
    return tasks.create_task(db.session, tasks.TaskDraft(**args), **when)


def log(task, actor, **kw):
    kw.setdefault("note", "Đã làm")
    return tasks.log_update(db.session, task, actor=actor, now=NOW, today=TODAY, **kw)


class TestCreate:
    def test_upgrade_task(self, world):
        task = make(world, priority=Priority.HIGH, doc_number="123/KH-UBND",
                    doc_date=date(2020, 9, 1), doc_title="Kế hoạch nâng cấp",
                    description="Dòng 1\r\nDòng 2")
        assert (task.status, task.original_due_on, task.progress) == ("new", DUE, 0)
        assert [s.code for s in task.services] == ["1.001", "1.002"]
        assert task.description == "Dòng 1\nDòng 2"
        assert actions() == ["task.create"]
        assert notified(world["officer"]) == ["assigned"]
        assert notified(world["member_user"]) == ["assigned"]
        assert notified(world["other_officer"]) == [] and notified(world["leader"]) == []

    def test_general_task_for_a_member(self, world):
        task = make(world, kind=TaskKind.GENERAL, unit=None, assignee=world["member"],
                    title="Dự thảo kế hoạch của UBND tỉnh")
        assert task.unit_id is None and task.assignee_id == world["member"].id

    @pytest.mark.parametrize("change, field", [
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"due_on": TODAY - timedelta(days=1)}, "due_on"),
        ({"due_on": "15/12/2020"}, "due_on"),
        ({"due_on": None}, "due_on"),
        ({"unit": 999999}, "unit"),
        ({"kind": "other"}, "kind"),
        ({"priority": "whenever"}, "priority"),
        ({"follower": 999999}, "follower"),
        ({"services": []}, "services"),
        ({"services": [999999]}, "services"),
        ({"unit": None}, "unit"),
    ])
    def test_bad_input_changes_nothing(self, world, change, field):
        with pytest.raises(DomainError) as error:
            make(world, **change)
        assert error.value.field == field
        db.session.rollback()
        assert count(Task) == 0 and count(AuditEvent) == 0 and count(Notification) == 0

    def test_inactive_unit_is_unknown(self, world):
        world["unit"].active = False
        with pytest.raises(DomainError, match="Unknown unit"):
            make(world)

    def test_service_rules(self, world):
        with pytest.raises(DomainError, match="does not belong"):
            make(world, services=[world["s1"], world["foreign"]])
        with pytest.raises(DomainError, match="already at level 4"):
            make(world, services=[world["s4"]])
        make(world, services=[world["s1"]])
        with pytest.raises(DomainError, match="1.001") as error:
            make(world, services=[world["s2"], world["s1"]])
        assert error.value.field == "services"

    def test_a_cancelled_task_frees_its_services(self, world):
        first = make(world)
        tasks.cancel_task(db.session, first, actor=world["leader"], now=NOW, today=TODAY,
                          reason="Gộp vào nhiệm vụ khác")
        assert make(world).status == "new"

    def test_general_task_needs_someone_and_no_services(self, world):
        with pytest.raises(DomainError) as error:
            make(world, kind=TaskKind.GENERAL, unit=None)
        assert error.value.field == "unit"
        with pytest.raises(DomainError) as error:
            make(world, kind=TaskKind.GENERAL, services=[world["s1"]])
        assert error.value.field == "services"

    @pytest.mark.parametrize("role", ["officer", "member_user", "viewer", "verifier"])
    def test_only_the_leadership_creates(self, world, role):
        with pytest.raises(PermissionDenied):
            make(world, actor=world[role])


class TestWorkflow:
    def test_officer_reports_verifier_accepts(self, world):
        # A general task: an upgrade task with unverified services needs a shortfall reason
        # (tests/services/test_duties.py).
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], note="Đã khảo sát")
        assert task.status == "in_progress"
        log(task, world["officer"], status="reported", note="Hoàn thành")
        assert task.status == "reported" and task.reported_at == NOW
        assert "reported" in notified(world["leader"])
        tasks.accept_task(db.session, task, actor=world["verifier"], now=NOW, today=TODAY)
        assert (task.status, task.completed_on, task.completed_at) == ("done", TODAY, NOW)
        assert notified(world["officer"])[-1] == "accepted"
        rows = [(u.status_from, u.status_to) for u in task.updates]
        assert rows == [("new", "in_progress"), ("in_progress", "reported"),
                        ("reported", "done")]
        assert actions() == ["task.create", "task.status", "task.status", "task.accept"]

    def test_returned_then_reported_again(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["member_user"], status="reported")
        with pytest.raises(DomainError) as error:
            tasks.return_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                              reason=" ")
        assert error.value.field == "reason"
        tasks.return_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                          reason="Thiếu biên bản")
        assert task.status == "returned"
        assert notified(world["member_user"])[-1] == "returned"
        log(task, world["officer"], note="Bổ sung biên bản")
        assert task.status == "in_progress"
        log(task, world["officer"], status="reported")
        tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY)
        assert task.status == "done" and task.progress == 100

    def test_returned_may_be_reported_directly(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], status="reported")
        tasks.return_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                          reason="Bổ sung")
        log(task, world["officer"], status="reported")
        assert task.status == "reported"

    def test_reporting_a_new_task_starts_it_first(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], status="reported")
        assert [(u.status_from, u.status_to) for u in task.updates] == [
            ("new", "in_progress"), ("in_progress", "reported")]

    @pytest.mark.parametrize("status", ["done", "returned", "cancelled", "new", "bogus"])
    def test_updates_cannot_take_decisions(self, world, status):
        task = make(world, kind=TaskKind.GENERAL)
        with pytest.raises(DomainError) as error:
            log(task, world["officer"], status=status)
        assert error.value.field == "status"
        db.session.rollback()
        assert count(StatusUpdate) == 0

    def test_a_reported_task_cannot_go_back_by_update(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], status="reported")
        with pytest.raises(DomainError, match="cannot go from"):
            log(task, world["officer"], status="in_progress")
        log(task, world["officer"], note="Bổ sung ảnh chụp")
        assert task.status == "reported"

    def test_accept_and_return_need_a_report(self, world):
        task = make(world)
        with pytest.raises(DomainError):
            tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY)
        with pytest.raises(DomainError):
            tasks.return_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                              reason="x")

    @pytest.mark.parametrize("role", ["officer", "member_user", "viewer"])
    def test_only_leaders_and_verifiers_accept(self, world, role):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], status="reported")
        with pytest.raises(PermissionDenied):
            tasks.accept_task(db.session, task, actor=world[role], now=NOW, today=TODAY)

    @pytest.mark.parametrize("role, allowed", [
        ("leader", True), ("officer", True), ("member_user", True), ("verifier", False),
        ("other_officer", False), ("stranger", False), ("viewer", False)])
    def test_who_logs_status(self, world, role, allowed):
        task = make(world)
        if allowed:
            log(task, world[role])
            assert task.status == "in_progress"
        else:
            with pytest.raises(PermissionDenied):
                log(task, world[role])

    def test_empty_update_and_closed_task(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], note="")  # explicitly starting the work is enough
        assert task.status == "in_progress"
        with pytest.raises(DomainError) as error:
            log(task, world["officer"], note="  ")
        assert error.value.field == "note"
        tasks.cancel_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                          reason="Không còn cần")
        with pytest.raises(DomainError, match="closed"):
            log(task, world["officer"])

    def test_cancel(self, world):
        task = make(world)
        with pytest.raises(PermissionDenied):
            tasks.cancel_task(db.session, task, actor=world["verifier"], now=NOW, today=TODAY,
                              reason="x")
        with pytest.raises(DomainError) as error:
            tasks.cancel_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                              reason="")
        assert error.value.field == "reason"
        tasks.cancel_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                          reason="Trùng nhiệm vụ")
        assert (task.status, task.cancelled_reason) == ("cancelled", "Trùng nhiệm vụ")
        assert notified(world["officer"])[-1] == "cancelled"
        assert actions()[-1] == "task.cancel"
        with pytest.raises(DomainError):
            tasks.cancel_task(db.session, task, actor=world["leader"], now=NOW, today=TODAY,
                              reason="again")

    def test_general_progress(self, world):
        task = make(world, kind=TaskKind.GENERAL)
        log(task, world["officer"], progress=40)
        assert task.progress == 40
        for bad in (-1, 101):
            with pytest.raises(DomainError) as error:
                log(task, world["officer"], progress=bad)
            assert error.value.field == "progress"

    def test_edit(self, world):
        task = make(world)
        other = factories.member()
        other_user = factories.user("member")
        other.user_id = other_user.id
        tasks.edit_task(db.session, task, actor=world["leader"], now=NOW, title="Tên mới",
                        priority="urgent", follower=other.id, doc_number="45/QĐ")
        assert (task.title, task.priority, task.follower_id, task.due_on) == (
            "Tên mới", "urgent", other.id, DUE)
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "task.edit")).one()
        assert event.changes["title"] == ["Nâng cấp DVC", "Tên mới"]
        assert notified(other_user) == ["assigned"]
        with pytest.raises(PermissionDenied):
            tasks.edit_task(db.session, task, actor=world["officer"], now=NOW, title="x")
        with pytest.raises(DomainError) as error:
            tasks.edit_task(db.session, task, actor=world["leader"], now=NOW, title="")
        assert error.value.field == "title"


class TestFiles:
    def test_evidence_is_stored_with_the_update(self, world, tmp_path):
        task = make(world, kind=TaskKind.GENERAL)
        row = log(task, world["officer"], uploads=[upload(PNG), upload(b"", "")],
                  upload_dir=str(tmp_path), max_bytes=1000)
        attachment = db.session.scalars(select(Attachment)).one()
        assert (attachment.update_id, attachment.task_id) == (row.id, task.id)
        db.session.commit()  # files reach the folder when the update is committed
        assert (tmp_path / attachment.stored_name).read_bytes() == PNG

    @pytest.mark.parametrize("data, size", [(EXE, 10_000), (PNG, 20)])
    def test_refused_file_changes_nothing(self, world, tmp_path, data, size):
        task = make(world, kind=TaskKind.GENERAL)
        db.session.commit()
        with pytest.raises(DomainError) as error:
            log(task, world["officer"], uploads=[upload(data)], upload_dir=str(tmp_path),
                max_bytes=size)
        assert error.value.field == "evidence"
        db.session.rollback()
        assert count(StatusUpdate) == 0 and count(Attachment) == 0
        assert db.session.get(Task, task.id).status == "new"

    def test_at_most_five_files(self, world, tmp_path):
        task = make(world, kind=TaskKind.GENERAL)
        with pytest.raises(DomainError, match="at most 5"):
            log(task, world["officer"], uploads=[upload(PNG, f"{n}.png") for n in range(6)],
                upload_dir=str(tmp_path), max_bytes=1000)


class TestProgress:
    def claim(self, world, task, service, actor=None):
        return tasks.claim_service(db.session, task, service.id, actor=actor or world["officer"],
                                   today=TODAY, to_level=4, effective_on=TODAY,
                                   prerequisites=LEVEL4)

    def test_progress_follows_verifications(self, world):
        task = make(world)
        first = self.claim(world, task, world["s1"])
        second = self.claim(world, task, world["s2"])
        assert first.task_id == task.id
        assert tasks.figures(db.session, [task], TODAY)[task.id].progress == 0
        tasks.verify_task_claim(db.session, task, first, actor=world["verifier"], now=NOW)
        assert task.progress == 50
        # Verified from the catalog's queue: lists compute it, and the next touch stores it.
        catalog.verify_claim(db.session, second, actor=world["leader"], now=NOW)
        db.session.flush()
        assert tasks.figures(db.session, [task], TODAY)[task.id].progress == 100
        row = db.session.execute(select(tasks.progress_expr()).where(Task.id == task.id))
        assert row.scalar() == 100
        tasks.refresh_progress(db.session, task)
        assert task.progress == 100

    def test_a_third_rounds_half_up(self, world):
        s3 = factories.service(world["unit"], level=3, code="1.003")
        task = make(world, services=[world["s1"], world["s2"], s3])
        factories.level_change(world["s1"], 4, TODAY)
        factories.level_change(world["s2"], 4, TODAY)
        assert tasks.refresh_progress(db.session, task) == 67
        value = db.session.scalar(select(tasks.progress_expr()).where(Task.id == task.id))
        assert value == 67

    def test_claim_outside_the_task_is_refused(self, world):
        task = make(world, services=[world["s1"]])
        with pytest.raises(DomainError) as error:
            self.claim(world, task, world["s2"])
        assert error.value.field == "service_id"
        assert count(LevelChange) == 4  # the initial listings only

    def test_claim_needs_the_right_to_log(self, world):
        task = make(world)
        with pytest.raises(PermissionDenied):
            self.claim(world, task, world["s1"], actor=world["other_officer"])

    def test_verifying_another_tasks_claim_is_refused(self, world):
        task = make(world, services=[world["s1"]])
        other = make(world, services=[world["s2"]])
        change = self.claim(world, other, world["s2"])
        with pytest.raises(DomainError):
            tasks.verify_task_claim(db.session, task, change, actor=world["leader"], now=NOW)


class TestExtensions:
    def ask(self, world, task, on, reason="Chờ kết nối thanh toán", actor=None):
        return tasks.request_extension(db.session, task, actor=actor or world["officer"],
                                       now=NOW, today=TODAY, requested_due_on=on,
                                       reason=reason)

    def decide(self, world, request, approve, note=None):
        return tasks.decide_extension(db.session, request, actor=world["leader"], now=NOW,
                                      approve=approve, note=note)

    def test_asked_refused_asked_again_approved(self, world):
        task = make(world, kind=TaskKind.GENERAL, due_on=date(2020, 11, 25))
        later = date(2020, 12, 10)
        assert tasks.classify(task, date(2020, 12, 1)) == "open_overdue"
        first = self.ask(world, task, later)
        assert "extension_asked" in notified(world["leader"])
        with pytest.raises(DomainError, match="already awaiting"):
            self.ask(world, task, later)
        self.decide(world, first, approve=False, note="Chưa đủ lý do")
        assert task.due_on == date(2020, 11, 25)
        assert tasks.classify(task, date(2020, 12, 1)) == "open_overdue"
        second = self.ask(world, task, later, reason="Đã có văn bản của VNPT")
        self.decide(world, second, approve=True)
        assert (task.due_on, task.original_due_on) == (later, date(2020, 11, 25))
        assert tasks.classify(task, date(2020, 12, 1)) == "open_on_time"
        assert tasks.count_by_classification(db.session, date(2020, 12, 1))[
            "open_on_time"] == 1
        assert tasks.extension_counts(db.session, [task.id]) == {task.id: 1}
        assert [(e.decision, e.previous_due_on) for e in task.extensions] == [
            ("refused", date(2020, 11, 25)), ("approved", date(2020, 11, 25))]
        assert notified(world["officer"]).count("extension_decided") == 2
        assert actions()[-4:] == ["extension.request", "extension.refuse",
                                  "extension.request", "extension.approve"]
        with pytest.raises(DomainError, match="already been decided"):
            self.decide(world, second, approve=False)

    @pytest.mark.parametrize("on, reason, field", [
        (DUE, "x", "requested_due_on"),
        (DUE - timedelta(days=3), "x", "requested_due_on"),
        ("2021-01-01", "x", "requested_due_on"),
        (DUE + timedelta(days=5), "  ", "reason"),
    ])
    def test_bad_requests(self, world, on, reason, field):
        task = make(world)
        with pytest.raises(DomainError) as error:
            self.ask(world, task, on, reason)
        assert error.value.field == field
        db.session.rollback()
        assert count(ExtensionRequest) == 0

    def test_who_asks_and_decides(self, world):
        task = make(world)
        with pytest.raises(PermissionDenied):
            self.ask(world, task, DUE + timedelta(days=5), actor=world["other_officer"])
        request = self.ask(world, task, DUE + timedelta(days=5), actor=world["member_user"])
        with pytest.raises(PermissionDenied):
            tasks.decide_extension(db.session, request, actor=world["verifier"], now=NOW,
                                   approve=True)


class TestClassification:
    CASES = [
        ("new", None, date(2020, 11, 20), "open_on_time"),
        ("in_progress", None, date(2020, 11, 19), "open_overdue"),
        ("reported", None, date(2020, 11, 20), "open_on_time"),
        ("returned", None, date(2020, 11, 1), "open_overdue"),
        ("done", date(2020, 11, 10), date(2020, 11, 10), "done_on_time"),
        ("done", date(2020, 11, 11), date(2020, 11, 10), "done_late"),
        ("cancelled", None, date(2020, 11, 1), None),
    ]

    @pytest.mark.parametrize("status, completed_on, due_on, expected", CASES)
    def test_python_and_sql_agree(self, app, status, completed_on, due_on, expected):
        task = factories.task(due_on=due_on, status=status, completed_on=completed_on)
        assert tasks.classify(task, TODAY) == expected
        sql = db.session.scalar(select(tasks.classification_expr(TODAY))
                                .where(Task.id == task.id))
        assert sql == expected

    def test_counts_per_unit(self, app):
        unit = factories.unit()
        for status, completed_on, due_on, _ in self.CASES:
            factories.task(unit, due_on=due_on, status=status, completed_on=completed_on)
        factories.task(due_on=date(2020, 11, 1))
        assert tasks.count_by_classification(db.session, TODAY, unit_id=unit.id) == {
            "done_on_time": 1, "done_late": 1, "done_short": 0, "open_on_time": 2,
            "open_overdue": 2}
        assert tasks.count_by_classification(db.session, TODAY)["open_overdue"] == 3


class TestLists:
    def titles(self, user, **kw):
        query = tasks.search(tasks.Filters(**kw), user=user, today=TODAY)
        return [t.title for t in db.session.scalars(query)]

    @pytest.fixture
    def listed(self, world):
        make(world, title="Một", services=[world["s1"]], due_on=date(2020, 11, 25),
             priority="urgent")
        make(world, kind=TaskKind.GENERAL, title="Hai Kế hoạch", due_on=date(2020, 12, 30),
             doc_number="99/KH-UBND")
        make(world, kind=TaskKind.GENERAL, unit=world["other"], follower=None, title="Ba",
             due_on=date(2021, 1, 10), priority="low")
        factories.task(world["unit"], title="Bốn", due_on=date(2020, 11, 1),
                       status="in_progress")
        factories.task(world["unit"], title="Năm", due_on=date(2020, 11, 1), status="done",
                       completed_on=date(2020, 10, 30))
        db.session.commit()
        return world

    def test_filters(self, listed):
        leader = listed["leader"]
        assert self.titles(leader) == ["Bốn", "Một", "Hai Kế hoạch", "Ba", "Năm"]
        assert self.titles(leader, unit_id=listed["other"].id) == ["Ba"]
        assert self.titles(leader, member_id=listed["member"].id) == ["Một", "Hai Kế hoạch"]
        assert self.titles(leader, status="open") == ["Bốn", "Một", "Hai Kế hoạch", "Ba"]
        assert self.titles(leader, status="done") == ["Năm"]
        assert self.titles(leader, kind="upgrade") == ["Một"]
        assert self.titles(leader, due_within=10) == ["Một"]
        assert self.titles(leader, overdue=True) == ["Bốn"]
        assert self.titles(leader, q="kế hoạch") == ["Hai Kế hoạch"]
        assert self.titles(leader, q="99/kh") == ["Hai Kế hoạch"]
        assert self.titles(leader, q="100%") == []

    def test_sorting(self, listed):
        leader = listed["leader"]
        assert self.titles(leader, sort="priority")[0] == "Một"
        assert self.titles(leader, sort="priority")[-1] == "Ba"
        assert self.titles(leader, sort="due", direction="desc") == [
            "Ba", "Hai Kế hoạch", "Một", "Bốn", "Năm"]
        assert self.titles(leader, sort="status")[-1] == "Năm"
        assert self.titles(leader, sort="nonsense") == self.titles(leader)
        factories.level_change(listed["s1"], 4, TODAY)
        assert self.titles(leader, sort="progress", direction="desc")[0] == "Một"

    def test_officers_see_their_unit_only(self, listed):
        assert self.titles(listed["other_officer"]) == ["Ba"]
        assert "Ba" not in self.titles(listed["officer"])
        orphan = factories.user("unit_officer")
        assert self.titles(orphan) == []

    def test_board_caps_columns(self, listed):
        for n in range(4):
            factories.task(listed["unit"], title=f"Thêm {n}")
        columns, shown = tasks.board(db.session, tasks.Filters(), user=listed["leader"],
                                     today=TODAY, cap=3)
        by_status = {status: (total, [t.title for t in items])
                     for status, total, items in columns}
        assert by_status["new"][0] == 7 and len(by_status["new"][1]) == 3
        assert by_status["new"][1][0] == "Một"  # earliest due first
        assert by_status["done"] == (1, ["Năm"])
        assert len(shown) == 3 + 1 + 1
        columns, _ = tasks.board(db.session, tasks.Filters(status="done"),
                                 user=listed["leader"], today=TODAY)
        assert [c[0] for c in columns] == ["done"]

    def test_my_tasks(self, listed):
        def mine(user):
            query = tasks.my_tasks(db.session, user)
            return None if query is None else [t.title for t in db.session.scalars(query)]

        assert mine(listed["member_user"]) == ["Bốn", "Một", "Hai Kế hoạch"]
        assert mine(listed["officer"]) == ["Bốn", "Một", "Hai Kế hoạch"]
        assert mine(listed["other_officer"]) == ["Ba"]
        assert mine(listed["viewer"]) is None
        assert [t.title for t in tasks.overdue_tasks(db.session, TODAY)] == ["Bốn"]

    def test_export(self, listed):
        data = tasks.export_workbook(db.session, tasks.Filters(status="open"),
                                     user=listed["leader"], today=TODAY)
        sheet = load_workbook(BytesIO(data)).active
        rows = table(sheet)
        assert len(rows) == 5
        assert rows[1][1] == "Bốn" and rows[1][12] == "Open, overdue"
        assert rows[3][14] == "99/KH-UBND"


def test_verifying_from_the_catalog_queue_updates_the_stored_task_progress(app):
    unit = factories.unit()
    leader = factories.user(role="leader")
    first = factories.service(unit, level=3)
    second = factories.service(unit, level=3)
    task = factories.task(unit, kind="upgrade", due_on=date(2020, 12, 15))
    task.services = [first, second]
    claim = factories.level_change(first, 4, date(2020, 11, 1), status="pending")
    db.session.commit()
    tasks.verify_claim(db.session, claim, actor=leader, now=datetime(2020, 11, 2, tzinfo=UTC))
    db.session.commit()
    assert db.session.get(Task, task.id).progress == 50


def test_open_tasks_are_read_through_the_partial_index_of_open_tasks(app):
    # SQLite uses a partial index only when the query states its condition word for word;
    # bound parameters do not, and the oldest overdue tasks then took 200 ms at national size.
    query = (select(Task.id).where(Task.is_open(), Task.due_on < date(2020, 11, 16))
             .order_by(Task.due_on, Task.id).limit(25))
    compiled = query.compile(db.engine, compile_kwargs={"render_postcompile": True})
    sql = str(compiled)  # as it is sent: the statuses written out, the date bound
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # INDEXED BY fails ("no query solution") when the index cannot serve the query.
            sql = sql.replace("FROM tasks", "FROM tasks INDEXED BY ix_tasks_open_due", 1)
            params = tuple(compiled.params[name] for name in compiled.positiontup)
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = conn.exec_driver_sql("EXPLAIN " + sql, compiled.params).all()
    assert "ix_tasks_open_due" in " ".join(str(row) for row in plan)
