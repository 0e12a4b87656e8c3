"""The planning pass: points, digests, idempotence, downtime, recipients, set-based SQL."""

import threading
from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Notification, OutboxMessage, Position, ReminderItem, TaskStatus
from taskforce.services import reminders, settings
from taskforce.services.reminders import escalation_point, latest_point, plan_reminders
from taskforce.services.settings import ReminderPolicy
from taskforce.services.workdays import WorkCalendar
from tests import factories

D = date
NOW = datetime(2020, 11, 16, 1, 0, tzinfo=UTC)
MONDAY = D(2020, 11, 16)
POLICY = ReminderPolicy()
CAL = WorkCalendar()
UNIT_ADDRESSES = ["dau-moi@stp.test", "van-thu@stp.test"]
FOLLOWER = "theo-doi@tct.test"


# Points, table-driven over Tết 2021: a task due Friday 19/02/2021 ------------------------------

@pytest.mark.parametrize(("today", "expected"), [
    (D(2021, 2, 2), None),
    (D(2021, 2, 3), ("before_7", D(2021, 2, 3))),   # 7 working days before, Tết skipped
    (D(2021, 2, 8), ("before_7", D(2021, 2, 3))),
    (D(2021, 2, 9), ("before_3", D(2021, 2, 9))),
    (D(2021, 2, 14), ("before_3", D(2021, 2, 9))),  # during Tết nothing new
    (D(2021, 2, 17), ("before_3", D(2021, 2, 9))),
    (D(2021, 2, 18), ("before_1", D(2021, 2, 18))),
    (D(2021, 2, 19), ("due", D(2021, 2, 19))),
    (D(2021, 2, 23), ("due", D(2021, 2, 19))),
    (D(2021, 2, 24), ("overdue", D(2021, 2, 24))),  # 3 working days late
    (D(2021, 2, 28), ("overdue", D(2021, 2, 24))),
    (D(2021, 3, 1), ("overdue", D(2021, 3, 1))),    # 6 working days late
    (D(2021, 7, 1), ("overdue", D(2021, 6, 30))),   # 90 working days late: the latest only
])
def test_latest_point_around_tet(today, expected):
    assert latest_point(CAL, POLICY, D(2021, 2, 19), today) == expected


@pytest.mark.parametrize(("today", "expected"), [
    (D(2021, 2, 25), None),
    (D(2021, 2, 26), D(2021, 2, 26)),
    (D(2021, 3, 15), D(2021, 2, 26)),
])
def test_escalation_point(today, expected):
    assert escalation_point(CAL, POLICY, D(2021, 2, 19), today) == expected


def test_points_move_with_a_make_up_working_day():
    # With Saturday 20/02/2021 worked, a task due 22/02 is 1 working day away on the 20th.
    calendar = WorkCalendar(makeup_workdays=[D(2021, 2, 20)])
    assert latest_point(calendar, POLICY, D(2021, 2, 22), D(2021, 2, 20)) == \
        ("before_1", D(2021, 2, 20))
    assert latest_point(calendar, POLICY, D(2021, 2, 22), D(2021, 2, 18)) == \
        ("before_3", D(2021, 2, 18))
    assert latest_point(CAL, POLICY, D(2021, 2, 22), D(2021, 2, 20)) == \
        ("before_1", D(2021, 2, 19))
    assert latest_point(CAL, POLICY, D(2021, 2, 22), D(2021, 2, 18)) == \
        ("before_3", D(2021, 2, 17))


def test_a_due_date_on_a_day_off_counts_from_the_working_day_before():
    # Due Sunday 22/11/2020: the due-day reminder comes on Friday 20/11.
    assert latest_point(CAL, POLICY, D(2020, 11, 22), D(2020, 11, 20)) == ("due", D(2020, 11, 20))
    assert latest_point(CAL, POLICY, D(2020, 11, 22), D(2020, 11, 25)) == \
        ("overdue", D(2020, 11, 25))


def test_policy_can_turn_points_off():
    quiet = ReminderPolicy(days_before=(), on_due_day=False, overdue_every=0, escalate_after=0)
    assert latest_point(CAL, quiet, D(2021, 2, 19), D(2021, 3, 30)) is None
    assert escalation_point(CAL, quiet, D(2021, 2, 19), D(2021, 3, 30)) is None


# The pass against the database ----------------------------------------------------------------

@pytest.fixture
def world(app):
    unit = factories.unit(name="Sở Tư pháp", focal_email="Dau-Moi@stp.test",
                          notify_emails="van-thu@stp.test; VAN-THU@stp.test, not-an-address")
    follower = factories.member(email=FOLLOWER)
    leader = factories.member(position=Position.LEADER, email="to-truong@tct.test")
    deputy_user = factories.user(role="leader", email="to-pho@tct.test", locale="en")
    deputy = factories.member(position=Position.DEPUTY, user=deputy_user)
    factories.member(email="thanh-vien@tct.test")  # not the leadership, follows nothing
    db.session.commit()
    return {"unit": unit, "follower": follower, "leader": leader, "deputy": deputy}


def task(world, due_on, **kw):
    kw.setdefault("follower_id", world["follower"].id)
    return factories.task(world["unit"], due_on=due_on, **kw)


def plan(today=MONDAY, now=NOW, **kw):
    summary = plan_reminders(db.session, today=today, now=now, **kw)
    db.session.commit()
    return summary


def items():
    return db.session.execute(select(ReminderItem.task_id, ReminderItem.recipient,
                                     ReminderItem.kind, ReminderItem.point_on)
                              .order_by(ReminderItem.id)).all()


def messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


# On Monday 16/11/2020: due today, in 1, 3 and 7 working days, and 3 working days late.
POINTS_TODAY = [D(2020, 11, 16), D(2020, 11, 17), D(2020, 11, 19), D(2020, 11, 25),
                D(2020, 11, 11)]


def test_a_unit_with_fifteen_tasks_gets_one_digest(world):
    tasks = [task(world, due, title=f"Nhiệm vụ số {n:02d}")
             for n, due in enumerate(POINTS_TODAY * 3)]
    db.session.commit()
    summary = plan()
    assert summary.items == 15 * 3
    assert summary.messages == 3
    sent = messages()
    assert sorted(m.recipient for m in sent) == sorted(UNIT_ADDRESSES + [FOLLOWER])
    for message in sent:
        assert message.dedupe_key == f"reminder:{message.recipient}:2020-11-16:1"
        assert message.state == "pending" and message.locale == "vi"
        for made in tasks:
            assert made.title in message.body_text and made.title in message.body_html
            assert f"{current_app.config['BASE_URL']}/tasks/{made.id}" in message.body_text
    kinds = {kind for _task, _to, kind, _on in items()}
    assert kinds == {"due", "before_1", "before_3", "before_7", "overdue"}


def test_a_long_digest_lists_the_most_urgent_tasks_and_counts_the_others(world, monkeypatch):
    monkeypatch.setattr(reminders, "DIGEST_LIMIT", 4)
    late = task(world, D(2020, 11, 11), title="Quá hạn lâu nhất")
    due_soon = [task(world, due, title=f"Sắp đến hạn {n}")
                for n, due in enumerate(POINTS_TODAY[:4] * 2)]
    deputy_user = world["deputy"].user
    for made in [late, *due_soon]:
        made.assignee_id = world["deputy"].id
    db.session.commit()
    summary = plan()
    assert summary.items == 9 * 4  # every task is recorded for each of its four recipients
    digest = db.session.scalar(select(OutboxMessage)
                               .where(OutboxMessage.recipient == "to-pho@tct.test"))
    assert digest.subject == "Reminder: 9 tasks are due or overdue"
    listed = [made for made in [late, *due_soon] if made.title in digest.body_text]
    assert len(listed) == 4 and listed[0] is late  # the oldest deadline first
    assert "And 5 more tasks, listed in the application." in digest.body_text
    assert "And 5 more tasks, listed in the application." in digest.body_html
    in_app = db.session.scalars(select(Notification.task_id)
                                .where(Notification.user_id == deputy_user.id)).all()
    assert sorted(in_app) == sorted(made.id for made in listed)
    unit_digest = db.session.scalar(select(OutboxMessage)
                                    .where(OutboxMessage.recipient == "dau-moi@stp.test"))
    assert "Còn 5 nhiệm vụ khác, xem đầy đủ trong ứng dụng." in unit_digest.body_text
    assert len(reminders.items_of_message(db.session, digest.id)) == 9


def test_a_second_run_creates_nothing(world):
    for due in POINTS_TODAY:
        task(world, due)
    db.session.commit()
    first = plan()
    made = (items(), [m.dedupe_key for m in messages()])
    second = plan()
    assert first.items == 15 and second.items == 0 and second.messages == 0
    assert (items(), [m.dedupe_key for m in messages()]) == made


def test_downtime_of_several_days_makes_one_reminder_not_a_backlog(world):
    made = task(world, D(2020, 11, 20))
    db.session.commit()
    plan(today=D(2020, 11, 11))  # before_7; then nothing runs for 12 days
    plan(today=D(2020, 11, 25))
    unit_items = [(kind, on) for task_id, to, kind, on in items() if to == "dau-moi@stp.test"]
    assert unit_items == [("before_7", D(2020, 11, 11)), ("overdue", D(2020, 11, 25))]
    assert all(task_id == made.id for task_id, *_rest in items())
    plan(today=D(2020, 11, 25))
    assert len(messages()) == 6  # three recipients, two days


def test_escalation_goes_to_the_leadership_once(world):
    task(world, D(2020, 11, 9))  # 5 working days late on Monday 16/11
    db.session.commit()
    plan()
    escalations = sorted(to for _t, to, kind, on in items() if kind == "escalation")
    assert escalations == ["to-pho@tct.test", "to-truong@tct.test"]
    plan(today=D(2020, 11, 20))
    assert len([1 for row in items() if row.kind == "escalation"]) == 2
    deputy = db.session.scalar(select(OutboxMessage)
                               .where(OutboxMessage.recipient == "to-pho@tct.test"))
    assert deputy.locale == "en" and deputy.recipient_user_id is not None
    assert deputy.subject == "Escalation: 1 task is seriously overdue"
    assert "Escalated to the leadership." in deputy.body_text
    in_app = db.session.execute(select(Notification.user_id, Notification.kind)).all()
    assert in_app == [(deputy.recipient_user_id, "overdue")]  # the one with an account


def test_an_item_reaching_its_point_later_goes_into_a_further_message(world):
    first = task(world, D(2020, 11, 17))
    db.session.commit()
    plan()
    later = task(world, D(2020, 11, 16))  # created after the morning's digest, due today
    db.session.commit()
    summary = plan(now=NOW.replace(hour=8))
    assert summary.items == 3 and summary.messages == 3
    second = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == "reminder:dau-moi@stp.test:2020-11-16:2"))
    assert later.title in second.body_text and first.title not in second.body_text
    assert len(messages()) == 6


def test_tasks_done_cancelled_or_awaiting_acceptance_are_not_reminded(world):
    for status in (TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.REPORTED):
        task(world, MONDAY, status=status)
    reminded = task(world, MONDAY, status=TaskStatus.RETURNED)
    db.session.commit()
    plan()
    assert {task_id for task_id, *_rest in items()} == {reminded.id}


def test_inactive_units_and_members_are_not_reminded(world):
    world["unit"].active = False
    world["follower"].active = False
    task(world, MONDAY)
    db.session.commit()
    assert plan().items == 0


def test_a_task_assigned_to_a_member_reminds_that_member(world):
    assignee = factories.member(email="chuyen-vien@tct.test")
    factories.task(None, due_on=MONDAY, assignee_id=assignee.id, follower_id=assignee.id)
    db.session.commit()
    plan()
    assert [to for _t, to, _k, _o in items()] == ["chuyen-vien@tct.test"]


def test_dry_run_writes_nothing_and_says_what_a_run_would_make(world):
    for due in POINTS_TODAY:
        task(world, due)
    db.session.commit()
    dry = plan(dry_run=True)
    assert (dry.items, dry.messages, dry.dry_run) == (15, 3, True)
    assert items() == [] and messages() == []
    real = plan()
    assert (real.items, real.messages) == (15, 3)


def test_the_policy_of_the_settings_page_is_followed(world):
    settings.put(db.session, "reminder_policy", {"days_before": [2], "on_due_day": False,
                                                 "overdue_every": 0, "escalate_after": 0})
    task(world, D(2020, 11, 18))  # 2 working days ahead: reminded
    task(world, MONDAY)           # due today: no due-day reminder now
    task(world, D(2020, 11, 9))   # late: neither overdue reminders nor escalation
    db.session.commit()
    plan()
    assert {kind for _t, _to, kind, _on in items()} == {"before_2"}


def test_the_pass_costs_the_same_whatever_the_number_of_tasks(world, count_queries):
    def measure():
        with count_queries() as queries:
            plan_reminders(db.session, today=MONDAY, now=NOW)
        made = db.session.scalar(select(func.count(ReminderItem.id)))
        db.session.rollback()
        return queries.count, made

    for due in POINTS_TODAY:
        task(world, due)
    db.session.commit()
    few, made_few = measure()
    for due in POINTS_TODAY * 9:
        task(world, due)
    db.session.commit()
    many, made_many = measure()
    assert (made_few, made_many) == (15, 150)
    assert few == many  # the same three recipients: a fixed number of statements


def test_two_passes_at_once_make_each_item_and_digest_once(world, make_app):
    for due in POINTS_TODAY * 4:
        task(world, due)
    db.session.commit()
    other = make_app()
    errors = []
    barrier = threading.Barrier(2)

    def run(app):
        try:
            with app.app_context():
                barrier.wait()
                plan_reminders(db.session, today=MONDAY, now=NOW)
                db.session.commit()
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(app,)) for app in (other, make_app())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db.session.expire_all()
    assert len(items()) == 60
    assert sorted(m.dedupe_key for m in messages()) == sorted(
        f"reminder:{to}:2020-11-16:1" for to in UNIT_ADDRESSES + [FOLLOWER])
    assert reminders.MAIL_KIND == "reminder"
