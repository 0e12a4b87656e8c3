"""The scheduler: crontabs, the JOBS table, the lease with a moved clock, catch-up runs."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import click
import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from config import TestingConfig
from taskforce import create_app, jobs, scheduler
from taskforce.extensions import db
from taskforce.models import OutboxMessage, Position, Review, SchedulerLease
from taskforce.services import settings
from taskforce.services.crontab import parse_crontab
from tests import factories

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2020, 10, 14, 3, 0, tzinfo=UTC)  # Wednesday 14/10/2020, 10:00 in Hà Nội


def local(*args):
    return datetime(*args, tzinfo=HANOI)


def test_the_jobs_table_has_the_five_jobs_and_their_triggers_parse(app):
    assert [spec.id for spec in jobs.JOBS] == ["plan_reminders", "deliver", "weekly_review",
                                                "monthly_review", "reorganisations"]
    triggers = scheduler.Scheduler(app).load_triggers()
    # A reorganisation takes effect at the first minute of its date, in the province's time.
    reorganisations = triggers["reorganisations"]
    assert isinstance(reorganisations, CronTrigger)
    assert reorganisations.get_next_fire_time(None, local(2020, 12, 31, 23, 40)) == \
        local(2021, 1, 1, 0, 0)
    assert reorganisations.get_next_fire_time(None, local(2020, 10, 14, 10, 1)) == \
        local(2020, 10, 14, 11, 0)
    assert triggers["plan_reminders"].interval == timedelta(minutes=15)
    assert triggers["deliver"].interval == timedelta(minutes=1)
    assert isinstance(triggers["deliver"], IntervalTrigger)
    weekly, monthly = triggers["weekly_review"], triggers["monthly_review"]
    assert isinstance(weekly, CronTrigger) and str(weekly.timezone) == "Asia/Ho_Chi_Minh"
    assert weekly.get_next_fire_time(None, T0) == local(2020, 10, 19, 7, 30)
    assert monthly.get_next_fire_time(None, T0) == local(2020, 11, 1, 7, 30)
    assert {spec.id for spec in jobs.JOBS if spec.catch_up} == {"weekly_review",
                                                                 "monthly_review"}


def test_the_job_defaults_coalesce_one_instance_and_a_grace_time(app):
    runner = scheduler.Scheduler(app)
    assert scheduler.JOB_DEFAULTS == {"coalesce": True, "max_instances": 1,
                                      "misfire_grace_time": 3600}
    assert str(runner.aps.timezone) == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"REVIEW_WEEKLY_CRON": "30 7 * * someday"}, "REVIEW_WEEKLY_CRON = '30 7 * * someday'"),
    ({"REVIEW_MONTHLY_CRON": "30 7 1 *"}, "REVIEW_MONTHLY_CRON"),
    ({"SCHEDULER_RENEW_SECONDS": 60}, "SCHEDULER_RENEW_SECONDS"),
    ({"SCHEDULER_LEASE_SECONDS": "45"}, "SCHEDULER_LEASE_SECONDS"),
])
def test_bad_schedule_settings_stop_the_start_with_a_clear_message(overrides, message):
    with pytest.raises(RuntimeError, match="not a valid crontab|must be a positive") as caught:
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)
    assert message in str(caught.value)


def test_a_bad_crontab_in_the_settings_stops_the_scheduler_start(app):
    settings.put(db.session, "review_weekly_cron", "every monday")
    db.session.commit()
    with pytest.raises(RuntimeError, match="setting review_weekly_cron = 'every monday'"):
        scheduler.Scheduler(app).start()


def test_a_crontab_in_the_settings_replaces_the_configured_one(app):
    settings.put(db.session, "review_weekly_cron", "0 17 * * fri")
    db.session.commit()
    trigger = scheduler.Scheduler(app).load_triggers()["weekly_review"]
    assert trigger.get_next_fire_time(None, T0) == local(2020, 10, 16, 17)


@pytest.mark.parametrize(("now", "expected"), [
    (local(2020, 10, 19, 7, 29), local(2020, 10, 12, 7, 30)),
    (local(2020, 10, 19, 7, 30), local(2020, 10, 19, 7, 30)),
    (local(2020, 10, 21, 12, 0), local(2020, 10, 19, 7, 30)),
])
def test_last_fire_time_finds_the_latest_run_due(now, expected):
    trigger = parse_crontab("30 7 * * mon", HANOI)
    assert scheduler.last_fire_time(trigger, now) == expected


def test_last_fire_time_of_a_frequent_crontab_is_found_quickly():
    trigger = parse_crontab("* * * * *", HANOI)
    now = local(2020, 10, 14, 10, 0, 30)
    assert scheduler.last_fire_time(trigger, now) == local(2020, 10, 14, 10, 0)


# The lease ------------------------------------------------------------------------------------

def lease_row():
    db.session.expire_all()
    return db.session.get(SchedulerLease, scheduler.LEASE_NAME)


def acquire(holder, now, seconds=45):
    held = scheduler.acquire_lease(db.session, holder=holder, now=now, seconds=seconds)
    db.session.commit()
    return held


def test_one_holder_at_a_time_and_a_takeover_when_it_runs_out(app):
    assert acquire("a", T0)
    assert not acquire("b", T0 + timedelta(seconds=1))
    assert acquire("a", T0 + timedelta(seconds=10))  # renewed: now good until T0 + 55 s
    assert not acquire("b", T0 + timedelta(seconds=50))
    assert lease_row().holder == "a"
    # "a" died after its last renewal: "b" takes over once the lease has run out.
    assert acquire("b", T0 + timedelta(seconds=56))
    row = lease_row()
    assert (row.holder, row.acquired_at) == ("b", T0 + timedelta(seconds=56))
    assert row.expires_at == T0 + timedelta(seconds=101)
    assert not acquire("a", T0 + timedelta(seconds=60))
    assert db.session.scalar(select(func.count()).select_from(SchedulerLease)) == 1


def test_a_released_lease_is_taken_over_at_once(app):
    assert acquire("a", T0)
    assert scheduler.release_lease(db.session, holder="a", now=T0 + timedelta(seconds=5))
    assert not scheduler.release_lease(db.session, holder="b", now=T0 + timedelta(seconds=5))
    db.session.commit()
    assert scheduler.lease_holder(db.session, T0 + timedelta(seconds=6)) is None
    assert acquire("b", T0 + timedelta(seconds=6))


def test_a_standby_scheduler_takes_over_within_a_minute(app):
    active, standby = scheduler.Scheduler(app, "host1:1:a"), scheduler.Scheduler(app, "host2:2:b")
    assert active.tick(T0) and active.is_active(T0)
    assert not standby.tick(T0 + timedelta(seconds=1))
    assert not standby.is_active(T0 + timedelta(seconds=1))
    # The active one stops renewing at T0 (killed); the standby tries every 10 seconds.
    tries = [T0 + timedelta(seconds=s) for s in range(11, 120, 10)]
    taken_at = next(moment for moment in tries if standby.tick(moment))
    assert taken_at - T0 < timedelta(seconds=60)
    assert standby.is_active(taken_at)
    # The old one counted on the lease no longer than a renewal before it ran out.
    assert not active.is_active(T0 + timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"]
                                               - app.config["SCHEDULER_RENEW_SECONDS"]))
    assert not active.tick(taken_at + timedelta(seconds=1))
    assert scheduler.lease_holder(db.session, taken_at) == "host2:2:b"


def test_only_the_active_scheduler_runs_jobs(app, world):
    active, standby = scheduler.Scheduler(app, "a"), scheduler.Scheduler(app, "b")
    active.tick()
    standby.tick()
    assert standby.run_job("weekly_review", today=date(2020, 10, 14)) is None
    assert count(Review) == 0
    assert active.run_job("weekly_review", today=date(2020, 10, 14)) is not None
    assert count(Review) == 1


# Jobs and catch-up ----------------------------------------------------------------------------

@pytest.fixture
def world(app):
    unit = factories.unit("Sở Tư pháp")
    factories.service(unit, level=4, listed_on=date(2020, 1, 1))
    factories.service(unit, level=3, listed_on=date(2020, 1, 1))
    factories.user(role="leader", email="hung@backan.gov.vn")
    factories.member("Hà Văn Tiến", position=Position.PERMANENT_DEPUTY,
                     email="tien@backan.gov.vn")
    db.session.commit()


def count(model):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_review_job_builds_and_emails_once(app, world):
    review_id = jobs.weekly_review_job(app, today=date(2020, 10, 12))
    review = db.session.get(Review, review_id)
    assert (review.kind, review.period_start, review.period_end) == (
        "weekly", date(2020, 10, 5), date(2020, 10, 11))
    assert count(OutboxMessage) == 2
    assert jobs.weekly_review_job(app, today=date(2020, 10, 13)) is None
    assert jobs.monthly_review_job(app, today=date(2020, 10, 12)) is not None
    assert count(Review) == 2 and count(OutboxMessage) == 4


def test_missed_review_runs_are_made_once_on_becoming_active(app, world):
    runner = scheduler.Scheduler(app, "a")
    # Down from 20/09 to Wednesday 14/10: three Mondays and a 1st of the month missed.
    assert runner.catch_up(T0) == []  # not active: nothing
    runner.tick(T0)
    made = runner.catch_up(T0)
    assert len(made) == 2
    periods = {(r.kind, r.period_start, r.period_end)
               for r in db.session.scalars(select(Review))}
    assert periods == {("weekly", date(2020, 10, 5), date(2020, 10, 11)),
                       ("monthly", date(2020, 9, 1), date(2020, 9, 30))}
    assert count(OutboxMessage) == 4
    runner.tick(T0 + timedelta(minutes=1))
    assert runner.catch_up(T0 + timedelta(minutes=1)) == []
    other = scheduler.Scheduler(app, "b")
    other.tick(T0 + timedelta(hours=1))  # "a" still holds it: "b" does nothing
    assert other.catch_up(T0 + timedelta(hours=1)) == []
    assert count(Review) == 2 and count(OutboxMessage) == 4


def test_a_catch_up_just_before_the_monday_run_makes_last_weeks_review(app, world):
    runner = scheduler.Scheduler(app, "a")
    monday_early = local(2020, 10, 19, 7, 0).astimezone(UTC)
    runner.tick(monday_early)
    runner.catch_up(monday_early)
    weekly = db.session.scalar(select(Review).where(Review.kind == "weekly"))
    # The run of 19/10 07:30 has not come yet: the last due one is 12/10's.
    assert weekly.period_end == date(2020, 10, 11)


# Where the scheduler runs ---------------------------------------------------------------------

class _Context:
    def __init__(self, name, params):
        self.command = click.Command(name)
        self.name, self.params = name, params

    def __enter__(self):
        self.ctx = click.Context(self.command, info_name=self.name)
        self.ctx.params.update(self.params)
        self.ctx.__enter__()
        return self.ctx

    def __exit__(self, *exc):
        return self.ctx.__exit__(*exc)


@pytest.mark.parametrize(("command", "params", "environ", "debug", "expected"), [
    ("run", {"reload": None}, {}, True, False),  # the reloader's watching parent
    ("run", {"reload": None}, {"WERKZEUG_RUN_MAIN": "true"}, True, True),  # its child serves
    ("run", {"reload": None}, {}, False, True),  # no reloader: the one process serves
    ("run", {"reload": False}, {}, True, True),
    ("run", {"reload": True}, {}, False, False),
    ("db", {}, {"WERKZEUG_RUN_MAIN": "true"}, True, False),  # other commands never
    ("scheduler", {}, {}, False, False),
])
def test_the_scheduler_is_embedded_only_where_the_dev_server_serves(
        make_app, monkeypatch, command, params, environ, debug, expected):
    monkeypatch.setenv("FLASK_DEBUG", "1" if debug else "0")
    app = make_app(TESTING=False, SCHEDULER_ENABLED=True)
    with _Context(command, params):
        assert scheduler.should_embed(app, environ) is expected
        assert scheduler.serving_dev_server(environ) is expected


def test_never_embedded_in_tests_or_when_disabled(make_app, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")
    with _Context("run", {"reload": False}):
        assert not scheduler.should_embed(make_app())
        assert not scheduler.should_embed(make_app(TESTING=False, SCHEDULER_ENABLED=False))
    assert not scheduler.should_embed(make_app(TESTING=False, SCHEDULER_ENABLED=True))
