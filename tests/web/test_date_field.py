"""One date input: dd/mm/yyyy typed in a text box on every form, refused with what is wrong.

A browser's <input type="date"> shows the order of the browser's language (07/01/2027 read as
1 July by an English browser), so no page may have one.
"""

import html
import re

import pytest

from taskforce.extensions import db
from taskforce.models import Role, User
from tests import factories
from tests.security.world import TODAY, build_world, log_in, routes, snapshot, url_of

# A typed date and what the page must answer (in Vietnamese, the default language).
BAD_DATES = [
    ("31/02/2020", "31/02/2020 không tồn tại."),
    ("30/02/2020", "30/02/2020 không tồn tại."),
    ("2020-02-01", "Hãy nhập ngày theo dạng dd/mm/yyyy."),
    ("1/13/2020", "Không có tháng 13: hãy nhập ngày trước, theo dạng dd/mm/yyyy."),
    ("mai", "Hãy nhập ngày theo dạng dd/mm/yyyy."),
    ("01/01/1899", "Hãy chọn ngày trong khoảng từ 01/01/2000 đến 31/12/2099."),
]
REQUIRED = "Trường này là bắt buộc."


@pytest.fixture
def dated_app(make_app):
    app = make_app(TODAY=TODAY)
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def world(dated_app):
    return build_world()


def signed_in(app, role, **kw):
    user = factories.user(role=role, **kw)
    db.session.commit()
    client = app.test_client()
    log_in(client, user.email)
    return client


@pytest.fixture
def leader(dated_app, world):
    return signed_in(dated_app, Role.LEADER)


@pytest.fixture
def admin(dated_app, world):
    return signed_in(dated_app, Role.ADMIN)


def forms(world):
    """(url, the data of a post that would work, the date field, whether it is required)."""
    return [
        ("/tasks/new", {"kind": "general", "title": "Việc mới", "unit_id": world["unit_a"],
                        "assignee_id": 0, "follower_id": 0, "priority": "normal"},
         "due_on", True),
        ("/tasks/assign", {"action": "next", "units": [world["unit_a"]], "title": "Nâng cấp",
                           "priority": "normal"}, "due_on", True),
        ("/tasks/assign", {"action": "next", "units": [world["unit_a"]], "title": "Nâng cấp",
                           "priority": "normal", "due_on": "20/12/2020"}, "doc_date", False),
        (f"/catalog/{world['service_a']}/claim", {"to_level": "3"}, "effective_on", True),
        ("/reviews/new", {"kind": "custom", "end": "31/10/2020"}, "start", True),
        (f"/tasks/{world['task_b']}/extensions/new", {"reason": "Chờ kết nối"},
         "requested_due_on", True),
    ]


def feedback(page, field):
    """The texts shown under ``field`` (its invalid-feedback), unescaped."""
    pattern = rf'<div class="invalid-feedback[^"]*" id="{field}-error">([^<]*)</div>'
    return [html.unescape(text) for text in re.findall(pattern, page)]


@pytest.mark.parametrize(("typed", "message"), BAD_DATES)
def test_every_date_field_says_what_is_wrong_and_nothing_changes(leader, world, typed,
                                                                 message):
    before = snapshot()
    for url, data, field, _required in forms(world):
        if field == "requested_due_on":
            continue  # a leader asks for no extension; the officer's form is tested below
        response = leader.post(url, data={**data, field: typed})
        assert response.status_code == 200, url
        assert message in feedback(response.get_data(as_text=True), field), url
    assert snapshot() == before


def test_an_empty_required_date_is_asked_for(leader, world):
    before = snapshot()
    for url, data, field, required in forms(world):
        if field == "requested_due_on":
            continue
        page = leader.post(url, data={**data, field: ""}).get_data(as_text=True)
        assert (REQUIRED in feedback(page, field)) == required, url
    assert snapshot() == before


@pytest.mark.parametrize(("typed", "message"), BAD_DATES[:4])
def test_the_officers_extension_date(dated_app, world, typed, message):
    officer = db.session.get(User, world["officer_b"])
    client = dated_app.test_client()
    log_in(client, officer.email)
    before = snapshot()
    page = client.post(f"/tasks/{world['task_b']}/extensions/new",
                       data={"reason": "Chờ kết nối", "requested_due_on": typed})
    assert message in page.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(("typed", "message"), BAD_DATES)
def test_settings_and_audit_dates(admin, typed, message):
    page = admin.post("/admin/settings", data={"target_on": typed}).get_data(as_text=True)
    assert message in feedback(page, "target_on")
    page = admin.get("/admin/audit", query_string={"date_from": typed}).get_data(as_text=True)
    assert message in feedback(page, "date_from")


def test_the_messages_in_english(dated_app, world):
    client = signed_in(dated_app, Role.LEADER, locale="en")
    for typed, message in [("31/02/2020", "31/02/2020 does not exist."),
                           ("2020-02-01", "Write the date as dd/mm/yyyy."),
                           ("1/13/2020", "There is no month 13: enter the day first, as "
                                         "dd/mm/yyyy.")]:
        page = client.post("/reviews/new", data={"kind": "custom", "start": typed,
                                                 "end": "31/10/2020"}).get_data(as_text=True)
        assert message in feedback(page, "start"), typed


def test_a_date_is_shown_and_carried_as_dd_mm_yyyy(leader, world):
    page = leader.post("/tasks/assign", data={
        "action": "next", "units": [world["unit_a"]], "title": "Nâng cấp", "priority": "normal",
        "due_on": "7/1/2021", "doc_date": "01.10.2020"}).get_data(as_text=True)
    assert 'name="due_on" value="07/01/2021"' in page
    assert 'name="doc_date" value="01/10/2020"' in page


def test_a_date_box_is_a_text_box_with_a_calendar(leader):
    page = leader.get("/reviews/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="start"[^>]*>', page).group(0)
    for attribute in ('type="text"', 'placeholder="dd/mm/yyyy"', 'inputmode="numeric"',
                      "data-datepicker", 'data-datepicker-label="Chọn ngày trên lịch"'):
        assert attribute in box
    assert "/static/datepicker.js" in page
    # The box comes in the input group the calendar button joins: the script never moves a
    # box someone may be typing into while the page loads.
    assert re.search(r'<div class="input-group has-validation" data-datepicker-group>'
                     r'<input[^>]*name="start"', page)


def test_a_refused_date_marks_its_group_invalid(leader, world):
    response = leader.post("/reviews/new", data={"kind": "custom", "start": "31/02/2026",
                                                 "end": "01/03/2026"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<div class="input-group has-validation is-invalid" '
                     r'data-datepicker-group><input[^>]*name="start"', page)
    assert not re.search(r'is-invalid" data-datepicker-group><input[^>]*name="end"', page)


# Pages still using the browser's picker (none: the plan pages took DayField too).
NOT_YET = set()


def test_no_page_has_a_browser_date_picker(dated_app, leader, world):
    """Every GET page a leader may open, with its arguments filled from the world."""
    checked, pickers = 0, set()
    for rule, _method in routes(dated_app, "GET"):
        try:
            url = url_of(rule, world)
        except LookupError:
            continue
        response = leader.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        checked += 1
        if re.search(r"type=[\"']?date\b", response.get_data(as_text=True)):
            pickers.add(rule.endpoint)
    assert pickers == NOT_YET
    assert checked > 30
