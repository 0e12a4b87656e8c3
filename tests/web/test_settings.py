"""The settings page: the values in force, saving them, and refusing bad ones."""

from datetime import date

import pytest
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Setting
from taskforce.services import review_exports, settings, workdays

GOOD = {
    "target_share": "30", "target_on": "31/12/2020", "national_share": "19.10",
    "reminder_days_before": "5, 2", "reminder_on_due_day": "y", "reminder_overdue_every": "2",
    "reminder_escalate_after": "4", "extra_days_off": "09/02/2021\n2021-02-17",
    "makeup_workdays": "20/02/2021", "review_weekly_cron": "0 8 * * mon",
    "review_monthly_cron": "30 7 1 * *", "report_province": "Bắc Kạn",
    "report_parent_body": "", "report_issuer": "Tổ công tác DVC mức độ 4",
    "report_symbol": "BC-TCT", "report_recipients": "Như trên;\nLưu: VT.",
}


@pytest.fixture
def admin_client(make_app):
    app = make_app(TODAY="2021-01-10")
    with app.app_context():
        client = app.test_client()
        from tests import factories

        user = factories.user(role="admin", locale="en")
        db.session.commit()
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        yield client
        db.session.rollback()


def test_the_page_shows_the_values_in_force_and_the_coming_holidays(admin_client):
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert 'value="30.00"' in page and 'value="7, 3, 1"' in page
    assert 'value="30 7 * * mon"' in page
    assert "12/02/2021" in page  # Tết 2021, within the coming year of 10/01/2021


def test_saving_stores_the_values_and_the_reminders_follow_them(admin_client):
    response = admin_client.post("/admin/settings", data=GOOD, follow_redirects=True)
    assert "The settings have been saved." in response.get_data(as_text=True)
    policy = settings.reminder_policy(db.session)
    assert (policy.days_before, policy.on_due_day, policy.overdue_every,
            policy.escalate_after) == ((5, 2), True, 2, 4)
    calendar = workdays.calendar(db.session)
    assert not calendar.is_workday(date(2021, 2, 9)) and not calendar.is_workday(
        date(2021, 2, 17))
    assert calendar.is_workday(date(2021, 2, 20))
    assert settings.target_on(db.session) == date(2020, 12, 31)
    assert settings.national_share(db.session) == pytest.approx(0.191)
    assert settings.crontab(db.session, "review_weekly_cron") == "0 8 * * mon"
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.update"))
    assert "reminder_policy" in audit.changes
    again = admin_client.post("/admin/settings", data=GOOD, follow_redirects=True)
    assert "Nothing was changed." in again.get_data(as_text=True)
    page = admin_client.get("/admin/settings").get_data(as_text=True)
    assert "20/02/2021" in page and 'value="5, 2"' in page
    header = review_exports.report_header(db.session)
    assert header["issuer"] == ("UBND TỈNH BẮC KẠN", "Tổ công tác DVC mức độ 4")
    assert header["recipients"] == ["Như trên;", "Lưu: VT."]


def test_unticking_the_due_day_reminder_turns_it_off(admin_client):
    data = dict(GOOD)
    del data["reminder_on_due_day"]
    admin_client.post("/admin/settings", data=data)
    assert settings.reminder_policy(db.session).on_due_day is False


@pytest.mark.parametrize(("field", "value", "message"), [
    ("target_share", "0", "Number must be between"),
    ("target_share", "150", "Number must be between"),
    ("target_share", "ba mươi", "Not a valid decimal value"),
    ("target_on", "31/02/2021", "31/02/2021 does not exist."),
    ("reminder_days_before", "7, x", "separated by commas"),
    ("reminder_days_before", "0", "separated by commas"),
    ("reminder_overdue_every", "-1", "Number must be between"),
    ("reminder_escalate_after", "61", "Number must be between"),
    ("extra_days_off", "31/02/2021", "31/02/2021 is not a date"),
    ("extra_days_off", "01/01/1900", "out of range"),
    ("makeup_workdays", "09/02/2021", "cannot be both a day off and a working day"),
    ("review_weekly_cron", "every monday", "Write five fields"),
    ("review_monthly_cron", "30 7 32 * *", "Write five fields"),
    ("report_issuer", "   ", "This field is required."),
    ("report_recipients", "x" * 201, "up to 200 characters"),
])
def test_a_bad_value_is_shown_on_its_field_and_nothing_changes(admin_client, field, value,
                                                               message):
    data = dict(GOOD, **{field: value})
    before = db.session.execute(select(Setting.key, Setting.value)).all()
    response = admin_client.post("/admin/settings", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and f'id="{field}-error"' in page
    db.session.expire_all()
    assert db.session.execute(select(Setting.key, Setting.value)).all() == before
    assert not any(key == field for key, _value in before)


def test_every_mistake_is_shown_at_once_and_nothing_changes(admin_client):
    """Mistakes the service finds (days, crontabs, the report's fields) come together."""
    wrong = {"reminder_days_before": "7, x", "extra_days_off": "31/02/2021",
             "review_weekly_cron": "every monday", "review_monthly_cron": "30 7 32 * *",
             "report_issuer": "   ", "report_recipients": "x" * 201}
    before = db.session.execute(select(Setting.key, Setting.value)).all()
    page = admin_client.post("/admin/settings", data=dict(GOOD, **wrong)).get_data(as_text=True)
    for field in wrong:
        assert f'id="{field}-error"' in page, field
    assert page.count("Write five fields") == 2
    db.session.expire_all()
    assert db.session.execute(select(Setting.key, Setting.value)).all() == before
