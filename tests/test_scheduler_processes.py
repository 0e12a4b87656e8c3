"""Scheduler processes against a real database: two at once, the lease, the dev server.

- Two processes run every pass at the same moment (PostgreSQL): each reminder item,
  digest, review and e-mail is made once, and a real SMTP server receives each once.
- Two ``flask scheduler`` commands: one is active, it makes the missed reviews once,
  and when it is killed the other takes over within the lease time.
- ``flask run --debug`` (the README's command) runs one scheduler, in the reloader's child.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    DeliveryAttempt,
    OutboxMessage,
    Position,
    ReminderItem,
    Review,
    TaskStatus,
)
from taskforce.models.types import utcnow
from taskforce.scheduler import lease_holder
from taskforce.services.mail.outbox import message_id
from taskforce.services.reminders import plan_reminders
from tests import factories
from tests.smtp_server import Handler, SMTPServer, free_port

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2020, 10, 12)  # a Monday: the weekly and the monthly review are both due
LEASE, RENEW = 4, 1


@pytest.fixture
def world(app):
    """Four units with tasks due today, due in three working days and long overdue."""
    leader = factories.user(role="leader", email="hung@backan.gov.vn")
    factories.member("Phạm Duy Hưng", position=Position.LEADER, user=leader,
                     email="hung@backan.gov.vn")
    factories.member("Hà Văn Tiến", position=Position.PERMANENT_DEPUTY,
                     email="tien@backan.gov.vn")
    follower = factories.member("Vũ Đức Chính", email="chinh@backan.gov.vn")
    for n in range(1, 5):
        unit = factories.unit(f"Sở số {n}", focal_email=f"dau-moi-{n}@so{n}.test",
                              notify_emails=f"van-thu-{n}@so{n}.test")
        factories.service(unit, level=4, listed_on=date(2020, 1, 1))
        factories.service(unit, level=3, listed_on=date(2020, 1, 1))
        for due_on in (TODAY, date(2020, 10, 15), date(2020, 10, 2)):
            factories.task(unit, due_on=due_on, status=TaskStatus.IN_PROGRESS,
                           follower_id=follower.id)
    db.session.commit()


def count(model, *conditions):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def database_url(app):
    return app.config["SQLALCHEMY_DATABASE_URI"]


def test_two_schedulers_running_the_passes_at_once_do_everything_once(app, world, tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql://…): SQLite lets one "
                    "writer at a time, so the passes could not overlap")
    expected = plan_reminders(db.session, today=TODAY, now=utcnow(), dry_run=True)
    db.session.rollback()
    assert expected.items > 10 and expected.messages > 5
    server = SMTPServer(Handler(delay=0.01)).start()
    go = tmp_path / "go"
    try:
        processes = [subprocess.Popen(
            [sys.executable, "-m", "tests.scheduler_runner", database_url(app),
             str(tmp_path / f"instance{n}"), TODAY.isoformat(), str(server.port), str(go), "3"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in (1, 2)]
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [process.communicate(timeout=300) for process in processes]
        for process, (_out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err
        made = [json.loads(out.strip().splitlines()[-1]) for out, _err in outputs]

        # No duplicate row: each item, digest and review made once, by one process or the other.
        assert count(ReminderItem) == expected.items == sum(m["items"] for m in made)
        reminders = db.session.scalars(select(OutboxMessage)
                                       .where(OutboxMessage.kind == "reminder")).all()
        assert len(reminders) == expected.messages == sum(m["messages"] for m in made)
        assert set(Counter(m.recipient for m in reminders).values()) == {1}
        assert count(Review) == 2 == sum(m["reviews"] for m in made)
        assert count(OutboxMessage, OutboxMessage.kind == "review") == 2 * 3

        # No duplicate delivery: the server received every message exactly once.
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {row.state for row in rows} == {"sent"}
        assert sum(m["sent"] for m in made) == len(rows)
        received = Counter(server.message_ids())
        assert received.keys() == {message_id(row.dedupe_key) for row in rows}
        assert set(received.values()) == {1}
        assert count(DeliveryAttempt, DeliveryAttempt.ok.is_(True)) == len(rows)
    finally:
        server.stop()


def scheduler_env(app, tmp_path, **extra):
    return {**os.environ, "TASKFORCE_ENV": "testing", "DATABASE_URL": database_url(app),
            "TASKFORCE_INSTANCE": str(tmp_path), "SCHEDULER_LEASE_SECONDS": str(LEASE),
            "SCHEDULER_RENEW_SECONDS": str(RENEW), "MAIL_SERVER": "", **extra}


def wait_for(condition, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def current_holder():
    db.session.rollback()
    return lease_holder(db.session, utcnow())


def holder_pid(holder):
    return int(holder.split(":")[1]) if holder else None


def start_logged(command, env, **kw):
    """Start ``command`` with its output collected, line by line, by a thread."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, **kw)
    process.lines = []
    process.reader = threading.Thread(target=lambda: process.lines.extend(process.stdout),
                                      daemon=True)
    process.reader.start()
    return process


def became_active(process):
    return sum("is now the active one" in line for line in list(process.lines))


def test_two_scheduler_commands_share_one_lease_and_take_over(app, world, tmp_path):
    command = [sys.executable, "-m", "flask", "--app", "app", "scheduler"]
    env = scheduler_env(app, tmp_path)
    processes = {}
    try:
        for _n in range(2):
            process = start_logged(command, env)
            processes[process.pid] = process
        holder = wait_for(current_holder, 90)
        assert holder_pid(holder) in processes
        # The active one made the missed weekly and monthly reviews, once.
        assert wait_for(lambda: count(Review) == 2, 60)
        time.sleep(LEASE + 2 * RENEW)
        assert current_holder() == holder, "the lease is renewed, not passed around"
        assert [became_active(p) for p in processes.values()].count(1) == 1
        assert sum(became_active(p) for p in processes.values()) == 1
        assert count(Review) == 2 and count(OutboxMessage, OutboxMessage.kind == "review") == 6

        active = processes.pop(holder_pid(holder))
        active.send_signal(signal.SIGKILL)
        active.wait(timeout=10)
        killed_at = time.monotonic()
        new_holder = wait_for(lambda: (h := current_holder()) and h != holder and h, 60)
        (standby,) = processes.values()
        assert holder_pid(new_holder) == standby.pid
        assert time.monotonic() - killed_at < LEASE + RENEW + 5  # well within a minute
        assert wait_for(lambda: became_active(standby) == 1, 10), "".join(standby.lines)
        time.sleep(2 * RENEW)
        assert count(Review) == 2 and count(OutboxMessage, OutboxMessage.kind == "review") == 6

        standby.send_signal(signal.SIGTERM)
        standby.wait(timeout=30)
        standby.reader.join(timeout=5)
        assert standby.returncode == 0, "".join(standby.lines)
        assert current_holder() is None, "a stopped scheduler gives the lease up"
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_the_dev_server_with_its_reloader_runs_one_scheduler(app, tmp_path):
    env = scheduler_env(app, tmp_path, TASKFORCE_ENV="development", SCHEDULER_ENABLED="1")
    server = start_logged([sys.executable, "-m", "flask", "--app", "app", "run", "--debug",
                           "--port", str(free_port())], env, start_new_session=True)
    try:
        holder = wait_for(current_holder, 90)
        assert holder is not None, "".join(server.lines)
        # The reloader's watching parent does not schedule; its child (the server) does.
        assert holder_pid(holder) != server.pid
        time.sleep(LEASE + 2 * RENEW)
        assert wait_for(current_holder, 30) is not None, "".join(server.lines)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        server.reader.join(timeout=5)
    lines = server.lines
    started = [line for line in lines if "Scheduler" in line and "started" in line]
    # One scheduler per serving child: the first, and one after each reload (other people's
    # edits to the working tree make the reloader start a new child).
    reloads = [line for line in lines if "Detected change" in line]
    assert len(started) == 1 + len(reloads), "".join(lines)
    assert holder in started[0]
