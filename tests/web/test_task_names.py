"""Tasks made from one title tell apart: calendar cells, feeds and notifications name the unit."""

from datetime import date

from flask_babel import force_locale
from icalendar import Calendar

from taskforce.extensions import db
from taskforce.models import Notification
from taskforce.models.types import utcnow
from taskforce.services import calendar, notifications
from tests import factories

TITLE = "Nâng cấp 3 dịch vụ lên mức độ 4"


def two_units_one_title():
    units = [factories.unit("Sở Tư pháp"), factories.unit("Sở Y tế")]
    tasks = [factories.task(unit, title=TITLE, due_on=date(2020, 12, 15)) for unit in units]
    db.session.commit()
    return units, tasks


def test_the_feed_names_each_tasks_unit(app):
    _units, tasks = two_units_one_title()
    with force_locale("vi"):
        data = calendar.feed(tasks, name="Tổ công tác", link=lambda t: f"/tasks/{t.id}",
                             now=utcnow())
    summaries = sorted(str(e["summary"]) for e in Calendar.from_ical(data).walk("VEVENT"))
    assert summaries == [f"Đến hạn: {TITLE} — Sở Tư pháp", f"Đến hạn: {TITLE} — Sở Y tế"]


def test_a_notification_names_the_unit(app):
    _units, tasks = two_units_one_title()
    user = factories.user(role="leader")
    note = Notification(user_id=user.id, kind="overdue", task_id=tasks[1].id, message="",
                        created_at=utcnow())
    db.session.add(note)
    db.session.commit()
    with force_locale("en"):
        assert notifications.describe(note) == f"Task overdue: {TITLE} — Sở Y tế"


def test_a_title_that_ends_with_the_unit_is_not_named_twice(app):
    unit = factories.unit("Sở Tư pháp")
    task = factories.task(unit, title="Nâng cấp dịch vụ – Sở Tư pháp")
    assert task.title_and_unit == "Nâng cấp dịch vụ – Sở Tư pháp"


def test_the_calendar_cells_name_the_unit_first(app, client, login_as):
    _units, _tasks = two_units_one_title()
    app.config["TODAY"] = "2020-12-01"
    login_as("leader", locale="vi")
    page = client.get("/calendar", query_string={"month": "2020-12"}).get_data(as_text=True)
    for name in ("Sở Tư pháp", "Sở Y tế"):
        assert f'title="{TITLE} — {name}"><span class="fw-semibold">{name}</span>: {TITLE}' \
            in page
