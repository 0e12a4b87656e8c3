"""Task pages: who may open what, the workflow through the pages, bad input, lists, export."""

import re
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    Attachment,
    ClaimStatus,
    ExtensionRequest,
    LevelChange,
    StatusUpdate,
    Task,
    TaskKind,
)
from taskforce.services import tasks
from tests import factories
from tests.sheets import first_row, table

TODAY = date(2020, 11, 20)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
LEVEL4 = {"to_level": "4", "effective_on": "18/11/2020", "online_processing": "y",
          "online_payment": "y", "online_result": "y"}


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY.isoformat()


def text(response):
    return response.get_data(as_text=True)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(app):
    """Sở Tư pháp with two level-3 services and an upgrade task; a task of another unit."""
    unit = factories.unit("Sở Tư pháp")
    other = factories.unit("Huyện Ba Bể")
    w = {"unit": unit, "other": other,
         "s1": factories.service(unit, level=3, code="1.001", name="Cấp phiếu lý lịch tư pháp"),
         "s2": factories.service(unit, level=3, code="1.002", name="Chứng thực bản sao"),
         "foreign": factories.service(other, level=3, code="2.001")}
    for role in ("leader", "viewer", "admin"):
        w[role] = factories.user(role, locale="en")
    w["officer"] = factories.user("unit_officer", unit=unit, locale="en")
    w["other_officer"] = factories.user("unit_officer", unit=other, locale="en")
    w["member"] = factories.user("member", locale="en")
    w["member_row"] = factories.member(user=w["member"], units=[unit], full_name="Hà Văn Tiến")
    w["verifier"] = factories.user("member", is_verifier=True, locale="en")
    factories.member(user=w["verifier"])
    w["task"] = tasks.create_task(db.session, tasks.TaskDraft(
        kind=TaskKind.UPGRADE, title="Nâng cấp DVC Sở Tư pháp", due_on=date(2020, 12, 15),
        unit=unit, follower=w["member_row"], services=(w["s1"], w["s2"])),
        actor=w["leader"], today=TODAY)
    w["foreign_task"] = tasks.create_task(db.session, tasks.TaskDraft(
        kind=TaskKind.GENERAL, title="Nhiệm vụ của huyện Ba Bể", due_on=date(2020, 12, 1),
        unit=other), actor=w["leader"], today=TODAY)
    db.session.commit()
    return w


@pytest.fixture
def sign_in(client):
    """Log the client in as ``user`` (out of the previous account first)."""
    signed = []

    def login(user):
        if signed:
            client.post("/logout")
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302
        signed.append(user)
        return user

    return login


def post_files(client, url, data, files=()):
    form = dict(data)
    if files:
        form["evidence"] = list(files)
    return client.post(url, data=form, content_type="multipart/form-data")


# ---------------------------------------------------------------- role × route

EVERYONE = {"leader", "member", "verifier", "officer", "other_officer", "viewer", "admin"}
LOGGERS = {"leader", "member", "officer"}
VERIFIERS = {"leader", "verifier"}
# endpoint: (method, url template, who may). {task} is the world's task of Sở Tư pháp, which
# the member follows and the officer belongs to; "other_officer" is of another unit.
ROUTES = [
    ("tasks.index", "GET", "/tasks", EVERYONE),
    ("tasks.board", "GET", "/tasks/board", EVERYONE),
    ("tasks.mine", "GET", "/my-work", EVERYONE),
    ("tasks.export", "GET", "/tasks/export.xlsx", EVERYONE),
    ("tasks.new", "GET", "/tasks/new", {"leader"}),
    ("tasks.detail", "GET", "/tasks/{task}", EVERYONE - {"other_officer"}),
    ("tasks.edit", "GET", "/tasks/{task}/edit", {"leader"}),
    ("tasks.cancel", "GET", "/tasks/{task}/cancel", {"leader"}),
    ("tasks.return_task", "GET", "/tasks/{task}/return", VERIFIERS),
    ("tasks.extension_request", "GET", "/tasks/{task}/extensions/new", LOGGERS),
    ("tasks.claim", "POST", "/tasks/{task}/claims", LOGGERS),
    ("tasks.update", "POST", "/tasks/{task}/updates", LOGGERS),
    ("tasks.accept", "POST", "/tasks/{task}/accept", VERIFIERS),
    ("tasks.verify_claim", "POST", "/tasks/{task}/claims/{change}/verify", VERIFIERS),
    ("tasks.extension_decide", "POST", "/tasks/{task}/extensions/{extension}/decide",
     {"leader"}),
]


def test_the_table_covers_every_route_of_this_issue(app):
    mine = {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("tasks.") and "wizard" not in rule.endpoint
            and "calendar" not in rule.endpoint and "ical" not in rule.endpoint}
    assert mine == {row[0] for row in ROUTES}


@pytest.mark.parametrize("role", sorted(EVERYONE | {"anonymous"}))
def test_role_against_every_task_route(client, world, sign_in, role):
    request_row = ExtensionRequest(task_id=world["task"].id, previous_due_on=date(2020, 12, 15),
                                   requested_due_on=date(2020, 12, 30), reason="Chờ VNPT")
    db.session.add(request_row)
    db.session.commit()
    ids = {"task": world["task"].id, "extension": request_row.id,
           "change": world["s1"].level_changes[0].id}
    if role != "anonymous":
        sign_in(world[role])
    for endpoint, method, template, allowed in ROUTES:
        response = client.open(template.format(**ids), method=method)
        status = response.status_code
        assert status != 500, f"{endpoint} gave 500 for {role}"
        if role == "anonymous":
            assert status == 302 and "/login" in response.headers["Location"], endpoint
        elif role in allowed:
            assert status in (200, 302), f"{endpoint} for {role}: {status}"
        else:
            assert status == 403, f"{endpoint} for {role}: {status}"


# ---------------------------------------------------------------- ownership

def test_an_officer_cannot_reach_another_units_task(client, world, sign_in, tmp_path):
    foreign = world["foreign_task"]
    sign_in(world["leader"])
    post_files(client, f"/tasks/{foreign.id}/updates", {"note": "Biên bản"},
               [(BytesIO(PNG), "bien-ban.png")])
    attachment = db.session.scalars(select(Attachment)).one()
    sign_in(world["officer"])
    for method, url in [("GET", f"/tasks/{foreign.id}"), ("GET", f"/tasks/{foreign.id}/edit"),
                        ("POST", f"/tasks/{foreign.id}/updates"),
                        ("GET", f"/tasks/{foreign.id}/extensions/new"),
                        ("POST", f"/tasks/{foreign.id}/claims"),
                        ("GET", f"/files/{attachment.id}")]:
        assert client.open(url, method=method).status_code == 403, url
    for url in ("/tasks", "/tasks/board", "/my-work", "/tasks?q=Ba+Bể"):
        assert "Nhiệm vụ của huyện Ba Bể" not in text(client.get(url)), url
    sheet = load_workbook(BytesIO(client.get("/tasks/export.xlsx").data)).active
    assert [row[1] for row in sheet.iter_rows(min_row=first_row(sheet), values_only=True)] == [
        "Nâng cấp DVC Sở Tư pháp"]
    assert db.session.get(Task, foreign.id).status == "in_progress"  # the leader's update
    sign_in(world["other_officer"])
    assert client.get(f"/files/{attachment.id}").status_code == 200


# ---------------------------------------------------------------- the workflow

def test_leader_creates_an_upgrade_task_in_two_steps(client, world, sign_in):
    sign_in(world["leader"])
    s3 = factories.service(world["unit"], level=3, code="1.003", name="Đăng ký khai sinh")
    db.session.commit()
    form = {"kind": "upgrade", "title": "Nâng cấp đợt 2", "unit_id": world["unit"].id,
            "assignee_id": 0, "follower_id": 0, "due_on": "10/12/2020", "priority": "high"}
    page = text(client.post("/tasks/new", data={**form, "load": "y"}))
    assert "Đăng ký khai sinh" in page
    assert "Cấp phiếu lý lịch tư pháp" not in page  # already covered by the open task
    assert 'value="10/12/2020"' in page and count(Task) == 2
    assert f'<option selected value="{world["member_row"].id}">Hà Văn Tiến' in page
    response = client.post("/tasks/new", data={**form, "services": [s3.id],
                                                "follower_id": world["member_row"].id})
    assert response.status_code == 302
    task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
    assert (task.title, task.due_on, [s.code for s in task.services]) == (
        "Nâng cấp đợt 2", date(2020, 12, 10), ["1.003"])


def test_the_whole_workflow(client, world, sign_in):
    task_id = world["task"].id
    url = f"/tasks/{task_id}"
    sign_in(world["officer"])
    response = post_files(client, f"{url}/claims", {**LEVEL4, "service_id": world["s1"].id})
    assert response.status_code == 302
    response = post_files(client, f"{url}/updates",
                          {"status": "in_progress", "note": "Đã kết nối thanh toán"},
                          [(BytesIO(PNG), "ket-noi.png")])
    assert response.status_code == 302
    page = text(client.get(url))
    assert "Đã kết nối thanh toán" in page and "ket-noi.png" in page
    assert "Level 4 claimed for 1.001" in page

    sign_in(world["verifier"])
    change = db.session.scalars(select(LevelChange).where(
        LevelChange.status == ClaimStatus.PENDING)).one()
    assert client.post(f"{url}/claims/{change.id}/verify").status_code == 302
    assert db.session.get(Task, task_id).progress == 50
    assert "1 of 2 services verified at level 4" in text(client.get(url))

    sign_in(world["member"])
    client.post(f"{url}/updates", data={"status": "reported", "note": "Xong phần việc"})
    sign_in(world["leader"])
    mine = text(client.get("/my-work"))
    assert "Reported done, awaiting your acceptance" in mine and "Nâng cấp DVC" in mine
    client.post(f"{url}/return", data={"reason": "Còn dịch vụ 1.002"})
    assert db.session.get(Task, task_id).status == "returned"

    sign_in(world["officer"])
    assert "Còn dịch vụ 1.002" in text(client.get(url))
    client.post(f"{url}/updates", data={"status": "reported", "note": "Bổ sung"})
    # 1.002 is not verified at level 4: a verifier cannot accept the task as done; the leader
    # may, with a shortfall and its reason (tests/web/test_duties.py).
    sign_in(world["verifier"])
    assert client.post(f"{url}/accept", data={"note": "Đạt"}).status_code == 302
    assert db.session.get(Task, task_id).status == "reported"
    sign_in(world["leader"])
    assert client.post(f"{url}/accept", data={
        "note": "Đạt", "shortfall_reason": "1.002 chờ Bộ kết nối"}).status_code == 302
    task = db.session.get(Task, task_id)
    assert (task.status, task.completed_on, task.shortfall_reason) == (
        "done", TODAY, "1.002 chờ Bộ kết nối")
    page = text(client.get(url))
    assert "Accepted with a shortfall" in page and "Log an update" not in page


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("change, message", [
    ({"due_on": "19/11/2020"}, "The due date cannot be in the past."),
    ({"due_on": "31/02/2021"}, "31/02/2021 does not exist."),
    ({"due_on": "soon"}, "Write the date as dd/mm/yyyy."),
    ({"unit_id": "999999"}, "Unknown unit."),
    ({"title": "  "}, "This field is required."),
    ({"kind": "upgrade"}, "Choose at least one service to upgrade."),
    ({"title": "Tổ chức sơ kết " * 21}, "Field cannot be longer than 300 characters."),
])
def test_new_task_bad_input(client, world, sign_in, change, message):
    sign_in(world["leader"])
    form = {"kind": "general", "title": "Tổ chức sơ kết", "unit_id": world["unit"].id,
            "assignee_id": 0, "follower_id": 0, "due_on": "20/12/2020", "priority": "normal",
            **change}
    response = client.post("/tasks/new", data=form)
    assert response.status_code == 200
    assert message in text(response)
    assert count(Task) == 2


def test_a_long_title_is_refused_by_the_form_not_cut_by_the_browser(client, world, sign_in):
    sign_in(world["leader"])
    for url in ("/tasks/new", f"/tasks/{world['task'].id}/edit", "/tasks/assign"):
        page = text(client.get(url))
        title = re.search(r'<input[^>]* name="title"[^>]*>', page).group(0)
        assert "maxlength" not in title, url


def test_new_task_with_a_service_of_another_unit(client, world, sign_in):
    sign_in(world["leader"])
    form = {"kind": "upgrade", "title": "Sai đơn vị", "unit_id": world["unit"].id,
            "assignee_id": 0, "follower_id": 0, "due_on": "20/12/2020", "priority": "normal",
            "services": [world["foreign"].id]}
    assert "does not belong to Sở Tư pháp" in text(client.post("/tasks/new", data=form))
    assert count(Task) == 2


@pytest.mark.parametrize("data, files, message", [
    ({"status": "done"}, (), "set by a decision of the leadership"),
    ({"status": "in_progress", "progress": "140"}, (), "Number must be between 0 and 100."),
    ({"status": "in_progress"}, [(BytesIO(EXE[:80]), "setup.exe")], "This kind of file"),
    ({"status": "in_progress"}, [(BytesIO(PNG * 3), "anh.png")], "The file is too large"),
])
def test_bad_updates_change_nothing(app, client, world, sign_in, data, files, message):
    app.config["MAX_UPLOAD_BYTES"] = 100
    general = world["foreign_task"]
    sign_in(world["other_officer"])
    response = post_files(client, f"/tasks/{general.id}/updates", data, files)
    assert response.status_code == 200
    assert message in text(response)
    assert count(StatusUpdate) == 0 and count(Attachment) == 0
    assert db.session.get(Task, general.id).status == "new"


def test_an_upgrade_task_takes_no_typed_progress(client, world, sign_in):
    sign_in(world["officer"])
    url = f"/tasks/{world['task'].id}"
    assert 'name="progress"' not in text(client.get(url))
    client.post(f"{url}/updates", data={"status": "in_progress", "progress": "90"})
    assert db.session.get(Task, world["task"].id).progress == 0


def test_claim_on_a_service_outside_the_task(client, world, sign_in):
    sign_in(world["officer"])
    s3 = factories.service(world["unit"], level=3, code="1.003")
    db.session.commit()
    response = post_files(client, f"/tasks/{world['task'].id}/claims",
                          {**LEVEL4, "service_id": s3.id})
    assert "not covered by the task" in text(response)
    assert db.session.scalar(select(func.count(LevelChange.id)).where(
        LevelChange.status == ClaimStatus.PENDING)) == 0


def test_accepting_a_task_not_reported(client, world, sign_in):
    sign_in(world["leader"])
    response = client.post(f"/tasks/{world['task'].id}/accept", follow_redirects=True)
    assert "Only a task reported done can be accepted." in text(response)
    assert db.session.get(Task, world["task"].id).status == "new"


# ---------------------------------------------------------------- cancel and extensions

def test_cancel_asks_for_confirmation_and_a_reason(client, world, sign_in):
    url = f"/tasks/{world['task'].id}/cancel"
    sign_in(world["leader"])
    page = text(client.get(url))
    assert "Cancel the task?" in page and "No, keep it" in page
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 200 and "This field is required." in text(response)
    assert db.session.get(Task, world["task"].id).status == "new"
    client.post(url, data={"reason": "Gộp vào kế hoạch chung"})
    page = text(client.get(f"/tasks/{world['task'].id}"))
    assert "Gộp vào kế hoạch chung" in page and "Cancel the task" not in page
    assert client.get(url).status_code == 200
    response = client.post(url, data={"reason": "again"})
    assert "Only an open task can be cancelled." in text(response)


def test_extension_refused_then_approved(app, client, world, sign_in):
    task_id = world["task"].id
    url = f"/tasks/{task_id}"
    app.config["TODAY"] = "2020-12-20"  # five days after the due date
    sign_in(world["officer"])
    assert "Open, overdue" in text(client.get(url))
    response = client.post(f"{url}/extensions/new", data={"requested_due_on": "10/12/2020",
                                                           "reason": "Chờ VNPT"})
    assert "The due date cannot be in the past." in text(response)
    client.post(f"{url}/extensions/new", data={"requested_due_on": "15/01/2021",
                                               "reason": "Chờ VNPT kết nối"})
    sign_in(world["leader"])
    assert "Extensions to decide" in text(client.get("/my-work"))
    first = db.session.scalars(select(ExtensionRequest)).one()
    client.post(f"{url}/extensions/{first.id}/decide",
                data={"decision": "refuse", "note": "Chưa đủ căn cứ"})
    assert db.session.get(Task, task_id).due_on == date(2020, 12, 15)
    sign_in(world["member"])
    client.post(f"{url}/extensions/new", data={"requested_due_on": "15/01/2021",
                                               "reason": "Đã có văn bản của VNPT"})
    sign_in(world["leader"])
    second = db.session.scalars(select(ExtensionRequest).order_by(
        ExtensionRequest.id.desc())).first()
    response = client.post(f"{url}/extensions/{second.id}/decide", data={})
    assert response.status_code == 302
    assert db.session.get(ExtensionRequest, second.id).decision == "pending"
    client.post(f"{url}/extensions/{second.id}/decide", data={"decision": "approve"})
    task = db.session.get(Task, task_id)
    assert (task.due_on, task.original_due_on) == (date(2021, 1, 15), date(2020, 12, 15))
    page = text(client.get(url))
    assert "Open, within the deadline" in page and "originally 15/12/2020" in page
    assert "Chưa đủ căn cứ" in page and "Refused" in page and "Approved" in page
    listing = text(client.get("/tasks"))
    assert "15/01/2021" in listing and "originally 15/12/2020" in listing
    assert "moved 1 time" in listing


def test_extension_must_move_the_date_later(client, world, sign_in):
    sign_in(world["officer"])
    response = client.post(f"/tasks/{world['task'].id}/extensions/new",
                           data={"requested_due_on": "15/12/2020", "reason": "Chờ VNPT"})
    assert "Ask for a date after the current due date (15/12/2020)." in text(response)
    response = client.post(f"/tasks/{world['task'].id}/extensions/new",
                           data={"requested_due_on": "20/12/2020", "reason": ""})
    assert "This field is required." in text(response)
    assert count(ExtensionRequest) == 0


def test_extension_of_another_task_is_not_found(client, world, sign_in):
    request_row = ExtensionRequest(task_id=world["foreign_task"].id,
                                   previous_due_on=date(2020, 12, 1),
                                   requested_due_on=date(2020, 12, 30), reason="x")
    db.session.add(request_row)
    db.session.commit()
    sign_in(world["leader"])
    response = client.post(f"/tasks/{world['task'].id}/extensions/{request_row.id}/decide",
                           data={"decision": "approve"})
    assert response.status_code == 404
    assert db.session.get(ExtensionRequest, request_row.id).decision == "pending"


# ---------------------------------------------------------------- list, board, my work

def test_filters_keep_their_values_and_sort_links(client, world, sign_in):
    sign_in(world["leader"])
    page = text(client.get("/tasks", query_string={
        "q": "nâng cấp", "status": "open", "kind": "upgrade", "overdue": "", "due_within": "30",
        "unit": world["unit"].id, "sort": "due"}))
    assert 'value="nâng cấp"' in page
    assert '<option value="open" selected>' in page
    assert '<option value="upgrade" selected>' in page
    assert f'<option value="{world["unit"].id}" selected>' in page
    assert 'name="due_within" value="30"' in page
    assert "Nâng cấp DVC Sở Tư pháp" in page and "Ba Bể" not in page.split("task-list")[1]
    assert re.search(r'href="[^"]*sort=due[^"]*dir=desc', page)
    assert 'aria-sort="ascending"' in page


def test_overdue_tasks_are_marked(app, client, world, sign_in):
    app.config["TODAY"] = "2020-12-03"
    sign_in(world["leader"])
    page = text(client.get("/tasks"))
    assert "Overdue by 2 days" in page and "01/12/2020" in page
    assert 'class="table-danger"' in page
    assert "Overdue by" in text(client.get("/tasks/board"))
    assert "Nhiệm vụ của huyện Ba Bể" in text(client.get("/my-work"))


def test_empty_states_say_what_to_do(client, app, sign_in):
    leader = factories.user("leader", locale="en")
    viewer = factories.user("viewer", locale="en")
    db.session.commit()
    sign_in(leader)
    assert "Create one" in text(client.get("/tasks"))
    assert "Clear the filters" in text(client.get("/tasks?status=done"))
    assert "No task awaits acceptance" in text(client.get("/my-work"))
    sign_in(viewer)
    assert "The leadership creates them" in text(client.get("/tasks/board"))
    assert "not linked to a unit or to a member" in text(client.get("/my-work"))


def test_navbar_links(client, world, sign_in):
    sign_in(world["viewer"])
    page = text(client.get("/tasks"))
    assert 'href="/tasks"' in page and 'href="/my-work"' in page


def test_export_follows_the_filters(client, world, sign_in):
    sign_in(world["leader"])
    response = client.get("/tasks/export.xlsx", query_string={"kind": "general"})
    assert response.status_code == 200
    rows = table(load_workbook(BytesIO(response.data)).active)
    assert [r[1] for r in rows[1:]] == ["Nhiệm vụ của huyện Ba Bể"]
    assert rows[1][9] is not None and rows[1][9].date() == date(2020, 12, 1)


def _add_tasks(world, n):
    for i in range(n):
        service = factories.service(world["unit"], level=3)
        task = tasks.create_task(db.session, tasks.TaskDraft(
            kind=TaskKind.UPGRADE, title=f"Nhiệm vụ {i}", due_on=date(2020, 12, 1 + i % 20),
            unit=world["unit"], follower=world["member_row"], services=(service,)),
            actor=world["leader"], today=TODAY)
        db.session.add(ExtensionRequest(task=task, previous_due_on=task.due_on,
                                        requested_due_on=date(2021, 1, 1), reason="x",
                                        decision="approved"))
        if i % 3 == 0:
            factories.task(world["other"], due_on=date(2020, 11, 1), status="reported",
                           assignee=world["member_row"])
    db.session.commit()


@pytest.mark.parametrize("role, url", [
    ("leader", "/tasks"), ("leader", "/tasks/board"), ("leader", "/my-work"),
    ("member", "/my-work"), ("officer", "/tasks?sort=progress&dir=desc"),
    ("leader", "/tasks/export.xlsx"),
])
def test_list_pages_answer_in_a_fixed_number_of_queries(app, client, world, sign_in, role,
                                                        url, count_queries):
    def cost():
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return queries.count

    app.config["PAGE_SIZE"] = 50
    sign_in(world[role])
    _add_tasks(world, 3)
    few = cost()
    _add_tasks(world, 27)
    assert cost() == few


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = Counter()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id")


def duplicate_ids(page):
    parser = _Ids()
    parser.feed(page)
    return sorted(value for value, n in parser.ids.items() if n > 1)


def test_the_upgrade_task_page_has_no_duplicate_element_ids(client, world, sign_in):
    task = world["task"]
    url = f"/tasks/{task.id}"
    for who in ("leader", "officer", "member"):
        sign_in(world[who])
        assert duplicate_ids(text(client.get(url))) == [], who
    # Reported done, with an extension asked: the leadership's decision forms are shown too.
    sign_in(world["officer"])
    client.post(f"{url}/extensions/new", data={"requested_due_on": "15/01/2021",
                                               "reason": "Chờ kết nối"})
    client.post(f"{url}/updates", data={"note": "Xong", "status": "reported",
                                        "progress": "100"})
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == "reported" and count(ExtensionRequest) == 1
    for who in ("leader", "officer", "verifier"):
        sign_in(world[who])
        assert duplicate_ids(text(client.get(url))) == [], who
