"""The crashes the fuzzing found, kept as plain regression tests."""

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import Role, Task, Unit
from taskforce.services import exports
from tests import factories
from tests.security.world import build_world, changed, log_in, snapshot
from tests.sheets import table


def _leader(app):
    user = factories.user(role=Role.LEADER)
    db.session.commit()
    client = app.test_client()
    log_in(client, user.email)
    return client


def test_an_id_no_row_can_have_is_a_message_not_a_crash(secure_app):
    world = build_world()
    client = _leader(secure_app)
    before = snapshot()
    huge = str(10**30)
    for url, data in (
        ("/tasks/new", {"kind": "general", "title": "Việc mới", "due_on": "20/12/2020",
                        "unit_id": huge, "priority": "normal"}),
        ("/tasks/assign", {"due_on": "20/12/2020", "title": "Nâng cấp", "priority": "normal",
                           "units": [str(world["unit_a"]), huge]}),
        (f"/tasks/{world['task_b']}/claims", {"service_id": huge, "to_level": "4",
                                              "effective_on": "20/10/2020"}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 200, url
        assert "invalid-feedback" in response.get_data(as_text=True), url
    assert changed(before, snapshot()) == []


def test_nul_in_a_login_is_a_failed_login(secure_app):
    response = secure_app.test_client().post("/login", data={"email": "a\x00@example.test",
                                                             "password": "x\x00"})
    assert response.status_code == 200
    assert "Sai e-mail hoặc mật khẩu" in response.get_data(as_text=True)


def test_nul_in_an_address_is_a_bad_request(secure_app):
    client = _leader(secure_app)
    for url in ("/catalog?q=%00", "/tasks?q=a%00b", "/calendar/%00.ics",
                "/catalog?field=%00&tier=%00"):
        assert client.get(url).status_code == 400, url


def test_control_characters_are_dropped_from_form_text(secure_app):
    world = build_world()
    client = _leader(secure_app)
    response = client.post(f"/tasks/{world['task_a']}/edit", data={
        "title": "Việc\x00 của\x01 Sở\x1b A", "priority": "high", "follower_id": "0",
        "description": "Dòng một\r\nDòng\x07 hai"})
    assert response.status_code == 302
    task = db.session.scalar(select(Task).where(Task.id == world["task_a"]))
    assert task.title == "Việc của Sở A"
    assert task.description == "Dòng một\nDòng hai"


def test_an_export_of_text_with_control_characters_opens():
    data = exports.workbook(
        [exports.Sheet("Tasks", ["Task"], [["Báo cáo\x01\x0b\x1f kết quả"], ["=1+1"]])],
        exports.Letterhead(issuer=("UBND", "=Tổ\x02"), made_on=date(2020, 11, 20)))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [row[0] for row in table(sheet)] == ["Task", "Báo cáo kết quả", "'=1+1"]
    assert sheet["A1"].value == "UBND – =Tổ"


# Digits that str.isdigit() accepts and int() refuses, and digits of other scripts that int()
# reads as numbers: none of them is a number a visitor typed in ASCII.
NOT_ASCII_DIGITS = ("²", "①", "٣", "１２")


def test_digits_that_are_not_ascii_are_not_numbers_in_a_query(secure_app):
    build_world()
    client = _leader(secure_app)
    for value in NOT_ASCII_DIGITS:
        for url in ("/tasks", "/tasks/board", "/catalog", "/calendar", "/reviews"):
            for name in ("page", "unit", "member", "level", "due_within"):
                response = client.get(url, query_string={name: value})
                assert response.status_code == 200, (url, name, value)


def test_a_unit_feed_with_a_superscript_id_is_not_found(secure_app):
    client = secure_app.test_client()
    for token in ("²-x", "①-abc", "٣-abc"):
        assert client.get(f"/calendar/unit/{token}.ics").status_code == 404, token


def test_an_id_beyond_the_database_integer_is_not_found(secure_app):
    world = build_world()
    client = _leader(secure_app)
    for url in ("/tasks/2147483648", "/catalog/2147483648", "/units/2147483648",
                "/reviews/2147483648", "/tasks/" + "9" * 5000,
                f"/tasks/{world['task_b']}/claims/2147483648/verify"):
        method = client.post if url.endswith("/verify") else client.get
        assert method(url).status_code == 404, url


def test_an_id_in_digits_of_another_script_names_nothing(secure_app):
    world = build_world()
    client = _leader(secure_app)
    assert client.get(f"/tasks/{world['task_b']}").status_code == 200
    arabic = str(world["task_b"]).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.get(f"/tasks/{arabic}").status_code == 404


def test_audit_log_dates_at_the_calendar_edges_are_refused_with_a_message(secure_app):
    admin = factories.user(role=Role.ADMIN)
    db.session.commit()
    client = secure_app.test_client()
    log_in(client, admin.email)
    for args in ({"date_from": "01/01/0001"}, {"date_to": "31/12/9999"},
                 {"date_from": "01/01/0001", "date_to": "31/12/9999"},
                 {"date_from": "31/12/1899"}, {"date_to": "01/01/2100"}):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200, args
        assert "Hãy chọn ngày trong khoảng từ 01/01/2000 đến 31/12/2099." in \
            response.get_data(as_text=True), args


def _arabic(number):
    return str(number).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))


def test_digits_of_another_script_in_a_form_are_refused_with_a_message(secure_app):
    world = build_world()
    general = factories.task(db.session.get(Unit, world["unit_a"]), title="Việc chung")
    client = _leader(secure_app)
    before = snapshot()
    for url, data in (
        (f"/tasks/{general.id}/updates", {"status": "in_progress", "progress": "٥٠",
                                               "note": "Đã xong một nửa"}),
        ("/tasks/new", {"kind": "general", "title": "Việc mới", "due_on": "20/12/2020",
                        "unit_id": _arabic(world["unit_a"]), "priority": "normal"}),
        (f"/tasks/{world['task_a']}/edit", {"title": "Việc của Sở A", "priority": "high",
                                            "follower_id": _arabic(world["member_b"])}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 200, url
        assert "invalid-feedback" in response.get_data(as_text=True), url
    assert changed(before, snapshot()) == []
