"""One progress figure: the task page, the lists, the export and the reminder e-mail agree.

The issue: for an upgrade task the page showed the share of its services verified at level 4
(0 %) while the reminder and escalation e-mails showed the percentage stored on the task
(60–80 %). Here the stored percentage is stale on purpose; every reader shows the computed one.
The e-mail goes through the real SMTP server (tests/smtp_server.py).
"""

import re
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from taskforce.extensions import db
from taskforce.models import Role, TaskKind
from taskforce.services import review_exports, reviews, tasks
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.transports import SMTPTransport
from taskforce.services.reminders import plan_reminders
from taskforce.services.tasks.progress import progress_expr, progress_of
from tests import factories
from tests.sheets import table
from tests.smtp_server import Handler, SMTPServer

NOW = datetime(2020, 11, 16, 1, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


@pytest.fixture
def task(app):
    unit = factories.unit(name="Sở Tư pháp", focal_email="dau-moi@stp.test")
    services = [factories.service(unit, level=level) for level in (4, 3, 3)]
    # Due today (a reminder is due), its stored percentage a stale 70 % typed long ago.
    made = factories.task(unit, kind=TaskKind.UPGRADE, status="in_progress", due_on=TODAY,
                          title="Nâng cấp 3 dịch vụ công trực tuyến", services=services,
                          progress=70, created_at=datetime(2020, 11, 2, 1, 0, tzinfo=UTC))
    db.session.commit()
    return made


def test_page_list_export_and_reminder_show_the_same_figure(app, client, login_as, smtp, task):
    figure = 33  # one of three services verified at level 4
    assert progress_of(db.session, [task]) == {task.id: figure}
    assert db.session.scalar(db.select(progress_expr()).where(
        db.text("tasks.id = :id")).params(id=task.id)) == figure
    assert tasks.figures(db.session, [task], TODAY)[task.id].progress == figure

    login_as(Role.LEADER, locale="vi")
    page = client.get(f"/tasks/{task.id}").text
    assert f'aria-valuenow="{figure}"' in page and f">{figure} %</span>" in page
    assert 'aria-valuenow="70"' not in page
    listed = client.get("/tasks?q=Nâng cấp 3").text
    assert f">{figure} %</span>" in listed and ">70 %<" not in listed
    sheet = load_workbook(BytesIO(client.get("/tasks/export.xlsx").data)).active
    header, *rows = table(sheet)
    row = next(r for r in rows if r[0] == task.id)
    assert row[header.index("Tiến độ (%)")] == figure

    plan_reminders(db.session, today=TODAY, now=NOW)
    db.session.commit()
    deliver_pending(db.session, now=NOW, transport=SMTPTransport("127.0.0.1", smtp.port,
                                                                 timeout=10))
    (item,) = smtp.received
    text = item.message.get_body(("plain",)).get_content()
    html = item.message.get_body(("html",)).get_content()
    assert task.title in text
    assert re.search(rf"Tiến độ: {figure}%", text), text
    assert f"<td>{figure}%</td>" in html
    assert "70%" not in text and "70%" not in html

    # A review of the week before: the task is due in the next days, with the same figure.
    review = reviews.build_review(db.session, kind="weekly", start=date(2020, 11, 9),
                                  end=date(2020, 11, 15), now=NOW)
    db.session.commit()
    (item,) = review.snapshot["due_soon"]["items"]
    assert (item["id"], item["progress"]) == (task.id, figure)
    page = client.get(f"/reviews/{review.id}").text
    assert f"<td>{figure} %</td>" in page
    book = load_workbook(BytesIO(review_exports.review_xlsx(review)))
    due_soon = next(sheet for sheet in book.worksheets if sheet.title == "Sắp đến hạn")
    header, *rows = table(due_soon)
    assert [(row[0], row[header.index("Tiến độ (%)")]) for row in rows] == [(task.title, figure)]
