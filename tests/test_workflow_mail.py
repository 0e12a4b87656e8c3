"""The workflow's e-mail, delivered to a real SMTP server (aiosmtpd on 127.0.0.1).

Every workflow event (assignment, return, acceptance, extension asked and decided, claim
verified and returned) reaches the unit's addresses, the follower and the person concerned
once, in each address's language, with the link to its page; folded into a daily digest
unless urgent or chosen otherwise; no reminder or digest on a Sunday or a holiday; "From"
with the task force's name.
"""

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import click
import pytest
from flask import current_app
from flask.cli import run_command
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    DigestEntry,
    ExtensionRequest,
    MailMode,
    OutboxMessage,
    Position,
    Priority,
    TaskKind,
)
from taskforce.services import catalog, settings, tasks
from taskforce.services.errors import DomainError
from taskforce.services.mail import workflow
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.transports import SMTPTransport
from taskforce.services.reminders import plan_reminders
from tests import factories
from tests.smtp_server import Handler, SMTPServer

MONDAY = date(2020, 11, 16)
TUESDAY = date(2020, 11, 17)
SUNDAY = date(2020, 11, 22)
NOW = datetime(2020, 11, 16, 3, 0, tzinfo=UTC)
UNIT = ["dau-moi@stp.test", "van-thu@stp.test"]
OFFICER = "can-bo@stp.test"
FOLLOWER = "theo-doi@tct.test"  # reads English
LEADER = "to-truong@tct.test"
VERIFIER = "xac-minh@tct.test"


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


@pytest.fixture
def world(app):
    unit = factories.unit(name="Sở Tư pháp", focal_email="Dau-Moi@stp.test",
                          notify_emails="van-thu@stp.test")
    follower_user = factories.user("member", email=FOLLOWER, locale="en",
                                   full_name="Follower")
    w = {
        "unit": unit,
        "service": factories.service(unit, level=3, code="1.001", name="Cấp phiếu lý lịch"),
        "officer": factories.user("unit_officer", email=OFFICER, unit=unit,
                                  full_name="Cán bộ Sở"),
        "leader": factories.user("leader", email=LEADER, full_name="Tổ trưởng"),
        "verifier": factories.user("member", email=VERIFIER, is_verifier=True,
                                   full_name="Người xác minh"),
        "follower_user": follower_user,
    }
    factories.member(position=Position.LEADER, user=w["leader"])
    factories.member(user=w["verifier"])
    w["follower"] = factories.member(user=follower_user, units=[unit])
    db.session.commit()
    return w


def choose_everyone(mode):
    for address in (*UNIT, OFFICER, FOLLOWER, LEADER, VERIFIER):
        db.session.merge(workflow.MailPreference(address=address, mode=mode, updated_at=NOW))
    db.session.commit()


def new_task(world, priority=Priority.NORMAL, now=NOW, title="Rà soát thủ tục"):
    draft = tasks.TaskDraft(kind=TaskKind.GENERAL, title=title, due_on=date(2020, 12, 15),
                            unit=world["unit"], follower=world["follower"], priority=priority)
    made = tasks.create_task(db.session, draft, actor=world["leader"], today=MONDAY, now=now)
    db.session.commit()
    return made


def deliver(smtp, now=NOW):
    summary = deliver_pending(db.session, now=now + timedelta(minutes=1),
                              transport=SMTPTransport("127.0.0.1", smtp.port, timeout=10))
    db.session.commit()
    return summary


def forget(smtp):
    with smtp.handler.lock:
        smtp.handler.received.clear()


def subject(item):
    return str(make_header(decode_header(item.message["Subject"])))


def body(item, kind="plain"):
    return item.message.get_body((kind,)).get_content()


def received_by_event(smtp):
    """{subject: sorted recipients} of what the server received."""
    seen = defaultdict(list)
    for item in smtp.received:
        seen[subject(item)] += item.rcpt_tos
    return {key: sorted(value) for key, value in seen.items()}


def test_every_workflow_email_arrives_once_to_its_people_in_their_language(world, smtp):
    choose_everyone(MailMode.IMMEDIATE)
    officer, leader, verifier = world["officer"], world["leader"], world["verifier"]
    task = new_task(world)
    steps = [
        lambda: tasks.log_update(db.session, task, actor=officer, now=NOW, today=MONDAY,
                                 note="Xong", status="reported"),
        lambda: tasks.return_task(db.session, task, actor=leader, now=NOW, today=MONDAY,
                                  reason="Thiếu biên bản"),
        lambda: tasks.request_extension(db.session, task, actor=officer, now=NOW, today=MONDAY,
                                        requested_due_on=date(2020, 12, 31),
                                        reason="Chờ phần mềm"),
    ]
    for step in steps:
        step()
        db.session.commit()
    request = db.session.scalar(select(ExtensionRequest)
                                .where(ExtensionRequest.task_id == task.id))
    tasks.decide_extension(db.session, request, actor=leader, now=NOW, approve=True)
    tasks.log_update(db.session, task, actor=officer, now=NOW, today=MONDAY, note="Bổ sung",
                     status="reported")
    tasks.accept_task(db.session, task, actor=leader, now=NOW, today=MONDAY)
    verified = factories.level_change(world["service"], 4, date(2020, 11, 10), status="pending",
                                      claimed_by_id=officer.id)
    returned = factories.level_change(world["service"], 4, date(2020, 11, 12), status="pending",
                                      claimed_by_id=officer.id)
    catalog.verify_claim(db.session, verified, actor=verifier, now=NOW)
    catalog.return_claim(db.session, returned, actor=verifier, reason="Chưa có bằng chứng",
                         now=NOW)
    db.session.commit()
    queued = db.session.scalar(select(func.count(OutboxMessage.id)))
    summary = deliver(smtp)
    assert summary.sent == queued == len(smtp.received)
    assert len({item.message_id for item in smtp.received}) == queued
    assert all(len(item.rcpt_tos) == 1 for item in smtp.received)
    assert deliver(smtp).sent == 0 and len(smtp.received) == queued  # nothing twice

    link = f"{current_app.config['BASE_URL']}/tasks/{task.id}"
    title = task.title_and_unit  # the subject names the unit: "… — Sở Tư pháp"
    # The unit's addresses (no accounts) and the officer read Vietnamese, the follower English;
    # the actor of each event is left out.
    expected = {
        f"Nhiệm vụ mới được giao: {title}": sorted([*UNIT, OFFICER]),
        f"New task assigned: {title}": [FOLLOWER],
        f"Nhiệm vụ bị trả lại để hoàn thiện: {title}": sorted([*UNIT, OFFICER]),
        f"Task returned for more work: {title}": [FOLLOWER],
        f"Đề nghị gia hạn: {title}": sorted([*UNIT, LEADER]),
        f"Extension requested: {title}": [FOLLOWER],
        f"Gia hạn được chấp thuận: {title}": sorted([*UNIT, OFFICER]),
        f"Extension approved: {title}": [FOLLOWER],
        f"Nhiệm vụ đã được nghiệm thu hoàn thành: {title}": sorted([*UNIT, OFFICER]),
        f"Task accepted as done: {title}": [FOLLOWER],
    }
    seen = received_by_event(smtp)
    for key, recipients in expected.items():
        assert seen.get(key) == recipients, key
    claim_subjects = [key for key in seen if "1.001" in key]
    assert len(claim_subjects) == 2
    for key in claim_subjects:
        assert seen[key] == sorted([*UNIT, OFFICER])  # the claimant and the unit
    assert sum(len(v) for v in seen.values()) == queued
    for item in smtp.received:
        text, html = body(item), body(item, "html")
        if "1.001" not in subject(item):
            assert link in text and f'href="{link}"' in html
        language = item.message["Content-Language"]
        assert language == ("en" if item.rcpt_tos == [FOLLOWER] else "vi")
    returned_mail = next(item for item in smtp.received
                         if subject(item).startswith("Nhiệm vụ bị trả lại")
                         and item.rcpt_tos == [UNIT[0]])
    assert "Thiếu biên bản" in body(returned_mail) and "Lý do" in body(returned_mail)
    asked = next(item for item in smtp.received if subject(item).startswith("Đề nghị gia hạn")
                 and item.rcpt_tos == [LEADER])
    assert "31/12/2020" in body(asked) and "Chờ phần mềm" in body(asked)
    claim_back = next(item for item in smtp.received if "1.001" in subject(item)
                      and "Chưa có bằng chứng" in body(item))
    assert f"{current_app.config['BASE_URL']}/catalog/{world['service'].id}" in body(claim_back)
    assert body(claim_back).count("Cấp phiếu lý lịch") == 2  # the subject and its own line


def test_the_from_header_names_the_task_force(world, smtp):
    choose_everyone(MailMode.IMMEDIATE)
    new_task(world)
    deliver(smtp)
    item = smtp.received[0]
    raw = item.content.decode()
    assert "=?utf-8?" in raw.split("From:")[1].splitlines()[0]  # encoded, not raw UTF-8
    assert str(item.message["From"]) == "Tổ công tác <to-cong-tac@taskforce.test>"
    assert item.mail_from == "to-cong-tac@taskforce.test"


def test_two_events_of_a_day_come_as_one_digest_and_an_urgent_one_at_once(world, smtp):
    first = new_task(world, title="Việc thứ nhất")
    second = new_task(world, title="Việc thứ hai", now=NOW + timedelta(hours=1))
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert db.session.scalar(select(func.count(DigestEntry.id))) == 4 * 2
    urgent = new_task(world, priority=Priority.URGENT, title="Việc khẩn")
    deliver(smtp)
    assert sorted(item.rcpt_tos[0] for item in smtp.received) == sorted([*UNIT, OFFICER,
                                                                        FOLLOWER])
    assert all(urgent.title in subject(item) for item in smtp.received)
    forget(smtp)

    assert workflow.send_digests(db.session, today=MONDAY, now=NOW) == 4
    db.session.commit()
    assert workflow.send_digests(db.session, today=MONDAY, now=NOW) == 0  # once a day
    deliver(smtp)
    assert sorted(item.rcpt_tos[0] for item in smtp.received) == sorted([*UNIT, OFFICER,
                                                                        FOLLOWER])
    for item in smtp.received:
        text = body(item)
        assert first.title in text and second.title in text and urgent.title not in text
        assert f"/tasks/{first.id}" in text and f"/tasks/{second.id}" in body(item, "html")
        english = item.rcpt_tos == [FOLLOWER]
        assert subject(item).startswith("Daily digest of 16/11/2020: 2 updates" if english
                                        else "Tin tổng hợp ngày 16/11/2020: 2 cập nhật")
    forget(smtp)

    # An event after the day's digest waits for the next working day's.
    later = new_task(world, title="Việc buổi chiều", now=NOW + timedelta(hours=5))
    assert workflow.send_digests(db.session, today=MONDAY, now=NOW) == 0
    assert workflow.send_digests(db.session, today=TUESDAY, now=NOW + timedelta(days=1)) == 4
    db.session.commit()
    deliver(smtp, now=NOW + timedelta(days=1))
    assert len(smtp.received) == 4
    assert all(later.title in body(item) and first.title not in body(item)
               for item in smtp.received)


def test_an_address_that_chose_each_at_once_gets_no_digest(world, smtp):
    workflow.save_preference(db.session, FOLLOWER, locale="vi", mode=MailMode.IMMEDIATE,
                             actor=world["follower_user"], now=NOW)
    db.session.commit()
    new_task(world)
    deliver(smtp)
    assert [item.rcpt_tos for item in smtp.received] == [[FOLLOWER]]
    assert subject(smtp.received[0]).startswith("Nhiệm vụ mới được giao")  # chose Vietnamese
    assert workflow.send_digests(db.session, today=MONDAY, now=NOW) == 3


def test_preferences_refuse_what_is_not_theirs_and_change_nothing(world):
    bad = [({"address": LEADER}, "address"), ({"locale": "fr"}, "locale"),
           ({"mode": "weekly"}, "mode")]
    for change, field in bad:
        values = {"address": OFFICER, "locale": "", "mode": MailMode.DIGEST, **change}
        with pytest.raises(DomainError) as error:
            workflow.save_preference(db.session, values.pop("address"), actor=world["officer"],
                                     now=NOW, **values)
        assert error.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(workflow.MailPreference.id))) == 0
    with pytest.raises(DomainError):
        workflow.save_preference(db.session, OFFICER, locale="", mode="digest",
                                 actor=world["leader"], now=NOW, unit=world["unit"])
    workflow.save_preference(db.session, "VAN-THU@stp.test", locale="en", mode="immediate",
                             actor=world["officer"], now=NOW, unit=world["unit"])
    db.session.commit()
    assert workflow.preference(db.session, UNIT[1]) == ("en", "immediate")


# Working days --------------------------------------------------------------------------------

@pytest.mark.parametrize("day", [SUNDAY, date(2021, 2, 12)])  # a Sunday, Tết (Friday)
def test_nothing_is_planned_or_digested_on_a_day_off(world, day):
    factories.task(world["unit"], due_on=day - timedelta(days=2),
                   follower_id=world["follower"].id)
    new_task(world)
    assert plan_reminders(db.session, today=day, now=NOW).items == 0
    assert workflow.send_digests(db.session, today=day, now=NOW) == 0
    db.session.commit()
    assert Counter(db.session.scalars(select(OutboxMessage.kind))) == Counter()
    # With the setting off, the same day plans and digests.
    settings.put(db.session, "reminder_policy", {"workdays_only": False})
    db.session.commit()
    assert plan_reminders(db.session, today=day, now=NOW).items > 0
    assert workflow.send_digests(db.session, today=day, now=NOW) == 4


def test_the_settings_page_keeps_the_working_days_choice(world):
    values = settings.current_values(db.session)
    assert values["reminder_workdays_only"] is True
    form = {**values, "reminder_workdays_only": False, "extra_days_off": "",
            "makeup_workdays": "", "report_recipients": "\n".join(values["report_recipients"])}
    settings.save(db.session, actor=world["leader"], now=NOW, values=form)
    assert settings.reminder_policy(db.session).workdays_only is False


def test_the_leaders_escalation_has_no_instructions_for_units(world):
    factories.task(world["unit"], due_on=date(2020, 10, 30), follower_id=world["follower"].id)
    db.session.commit()
    plan_reminders(db.session, today=MONDAY, now=NOW)
    db.session.commit()
    mails = {m.recipient: m for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "reminder"))}
    unit_text = "Đề nghị cập nhật tiến độ"
    assert unit_text in mails[UNIT[0]].body_text
    assert unit_text not in mails[LEADER].body_text
    assert unit_text not in mails[LEADER].body_html


# Links ---------------------------------------------------------------------------------------

def test_links_follow_the_port_flask_run_serves(make_app):
    context = click.Context(run_command, info_name="run")
    context.params.update(host="0.0.0.0", port=5055, cert=None)  # noqa: S104
    with context:
        served = make_app(BASE_URL="")
    assert served.config["BASE_URL"] == "http://127.0.0.1:5055"
    assert make_app(BASE_URL="", SERVER_NAME="tct.example.vn").config["BASE_URL"] == \
        "http://tct.example.vn"
    assert make_app(BASE_URL="https://dvc.backan.gov.vn").config["BASE_URL"] == \
        "https://dvc.backan.gov.vn"


def test_a_unit_address_reads_its_reminders_in_its_chosen_language(world, smtp):
    workflow.save_preference(db.session, "van-thu@stp.test", locale="en", mode="digest",
                             actor=world["officer"], now=NOW, unit=world["unit"])
    factories.task(world["unit"], due_on=MONDAY, title="Nộp báo cáo")
    db.session.commit()
    plan_reminders(db.session, today=MONDAY, now=NOW)
    db.session.commit()
    deliver(smtp)
    subjects = {item.rcpt_tos[0]: subject(item) for item in smtp.received}
    assert subjects["van-thu@stp.test"].startswith("Reminder: 1 task")
    assert subjects["dau-moi@stp.test"].startswith("Nhắc việc: 1 nhiệm vụ")


def test_an_acceptance_with_a_shortfall_says_so_in_each_language(world, smtp):
    choose_everyone(MailMode.IMMEDIATE)
    draft = tasks.TaskDraft(kind=TaskKind.UPGRADE, title="Nâng cấp lý lịch",
                            due_on=date(2020, 12, 15), unit=world["unit"],
                            follower=world["follower"], services=(world["service"],))
    task = tasks.create_task(db.session, draft, actor=world["leader"], today=MONDAY, now=NOW)
    tasks.log_update(db.session, task, actor=world["officer"], now=NOW, today=MONDAY,
                     note="Xong", status="reported")
    tasks.accept_task(db.session, task, actor=world["leader"], now=NOW, today=MONDAY,
                      shortfall_reason="Chờ Bộ kết nối")
    db.session.commit()
    deliver(smtp)
    accepted = {item.rcpt_tos[0]: body(item) for item in smtp.received
                if "Nâng cấp lý lịch" in subject(item) and ("nghiệm thu" in subject(item)
                                                           or "accepted" in subject(item))}
    assert "Accepted with a shortfall: Chờ Bộ kết nối" in accepted[FOLLOWER]
    assert "Nghiệm thu có thiếu hụt: Chờ Bộ kết nối" in accepted[OFFICER]
