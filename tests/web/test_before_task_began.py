"""A date about a task earlier than the day the task began is refused, on its field, with the
day it began, in the reader's language, and nothing changes: the extension's new due date and
the level claimed from the task page (issue #19, "before the task began")."""

import html
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ExtensionRequest, LevelChange, Task, TaskKind
from taskforce.services import tasks
from taskforce.services.errors import DomainError
from taskforce.services.tasks.validation import began_on
from tests import factories

TODAY = date(2020, 11, 20)
# The task was assigned on 10/11/2020 (at 09:00 in Hà Nội), ten days before "today".
ASSIGNED_AT = datetime(2020, 11, 10, 2, 0, tzinfo=UTC)
ASSIGNED_ON = date(2020, 11, 10)
CHECKLIST = {"online_processing": "y", "online_payment": "y", "online_result": "y"}


@pytest.fixture
def world(app):
    app.config["TODAY"] = TODAY.isoformat()
    unit = factories.unit("Sở Tư pháp")
    service = factories.service(unit, level=3, code="1.001", listed_on=date(2020, 1, 1))
    leader = factories.user("leader", locale="en")
    officer_en = factories.user("unit_officer", unit=unit, locale="en")
    officer_vi = factories.user("unit_officer", unit=unit, locale="vi")
    task = tasks.create_task(db.session, tasks.TaskDraft(
        kind=TaskKind.UPGRADE, title="Nâng cấp DVC Sở Tư pháp", due_on=date(2020, 12, 15),
        unit=unit, services=(service,)), actor=leader, today=ASSIGNED_ON, now=ASSIGNED_AT)
    db.session.commit()
    return {"task": task.id, "service": service.id, "en": officer_en, "vi": officer_vi}


def signed_in(client, user):
    response = client.post("/login", data={"email": user.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def feedback(page, field):
    pattern = rf'<div class="invalid-feedback[^"]*" id="{field}-error">([^<]*)</div>'
    return [html.unescape(text) for text in re.findall(pattern, page)]


def rows():
    return (db.session.scalar(select(func.count()).select_from(ExtensionRequest)),
            db.session.scalar(select(func.count()).select_from(LevelChange)),
            db.session.scalar(select(Task.due_on)))


MESSAGES = {"en": "This date is before the task began (10/11/2020).",
            "vi": "Ngày này trước ngày nhiệm vụ bắt đầu (10/11/2020)."}


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_an_extension_before_the_task_began(client, world, locale):
    signed_in(client, world[locale])
    before = rows()
    page = client.post(f"/tasks/{world['task']}/extensions/new",
                       data={"requested_due_on": "09/11/2020", "reason": "Chờ kết nối"})
    assert page.status_code == 200
    assert feedback(page.get_data(as_text=True), "requested_due_on") == [MESSAGES[locale]]
    assert rows() == before


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_a_claim_from_the_task_page_before_the_task_began(client, world, locale):
    signed_in(client, world[locale])
    before = rows()
    page = client.post(f"/tasks/{world['task']}/claims",
                       data={"service_id": world["service"], "to_level": "4",
                             "effective_on": "09/11/2020", **CHECKLIST},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    assert feedback(page.get_data(as_text=True), "claim-effective_on") == [MESSAGES[locale]]
    assert rows() == before


def test_the_day_the_task_began_is_accepted(client, world):
    signed_in(client, world["en"])
    page = client.post(f"/tasks/{world['task']}/claims",
                       data={"service_id": world["service"], "to_level": "4",
                             "effective_on": "10/11/2020", **CHECKLIST},
                       content_type="multipart/form-data")
    assert page.status_code == 302
    assert db.session.scalar(select(LevelChange.effective_on)
                             .where(LevelChange.task_id == world["task"])) == ASSIGNED_ON


def test_the_service_refuses_it_for_every_caller(app, world):
    task = db.session.get(Task, world["task"])
    officer = world["en"]
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            tasks.request_extension(db.session, task, actor=officer, now=ASSIGNED_AT,
                                    today=TODAY, requested_due_on=date(2020, 11, 1),
                                    reason="Chờ kết nối")
        assert refused.value.field == "requested_due_on"
        assert "10/11/2020" in refused.value.message
        with pytest.raises(DomainError) as refused:
            tasks.claim_service(db.session, task, world["service"], actor=officer,
                                today=TODAY, to_level=4, effective_on=date(2020, 11, 9),
                                prerequisites={k: True for k in CHECKLIST})
        assert refused.value.field == "effective_on"
    db.session.rollback()
    assert rows() == (0, 1, date(2020, 12, 15))


def test_what_began_means(app, world):
    task = db.session.get(Task, world["task"])
    # The day it was assigned, in the province's time zone (02:00 UTC is 09:00 in Hà Nội).
    assert began_on(task, TODAY) == ASSIGNED_ON
    task.created_at = datetime(2020, 11, 9, 18, 0, tzinfo=UTC)  # 01:00 on 10/11 in Hà Nội
    assert began_on(task, TODAY) == ASSIGNED_ON
    # A row stamped after the caller's day (the wall clock while "today" is pinned in 2020)
    # has no day of that calendar: nothing is refused for it.
    task.created_at = datetime(2026, 12, 6, tzinfo=UTC)
    assert began_on(task, TODAY) is None
    db.session.rollback()
