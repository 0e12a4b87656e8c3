"""Fenced delivery against a real SMTP server: a stalled sender never sends what another took over.

The issue's failure: a sender paused (SIGSTOP, as a frozen VM or a long pause would) for
longer than its claim; another sender recovered and delivered the batch; the first woke up
and sent its held messages again. Now each claim carries a token, a renewal that matches
fewer messages than the pass holds ends it, and the pass confirms it still holds a message
(one conditional UPDATE, committed) immediately before sending it.

What cannot be closed over SMTP is also pinned down: a sender stopped between the server's
acceptance and its commit sends that one message again with the same Message-ID, and the
outbox marks it "possibly sent twice".
"""

import asyncio
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.models.types import utcnow
from taskforce.services.mail import delivery
from taskforce.services.mail.delivery import deliver_pending
from taskforce.services.mail.outbox import message_id
from taskforce.services.mail.transports import SMTPTransport
from tests.services.test_mail import queue, reload
from tests.smtp_server import Handler, Received, SMTPServer

ROOT = Path(__file__).resolve().parent.parent
CLAIM = 3  # seconds: the paused sender's claim


class SlowQuit(Handler):
    """Accepts every message; holds its reply to QUIT, so a sender can be paused there.

    A sender with a batch size of 1 says QUIT after each message it has recorded as sent:
    paused in that wait, it is between two messages, never between acceptance and commit.
    """

    def __init__(self, quit_delay):
        super().__init__()
        self.quit_delay, self.quitting = quit_delay, threading.Event()

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        self.quitting.set()
        await asyncio.sleep(self.quit_delay)
        self.quitting.clear()
        return "221 Bye"


class AcceptThenHold(Handler):
    """Takes each message in, then holds the 250 reply: the window between acceptance and commit."""

    def __init__(self, hold):
        super().__init__()
        self.hold, self.holding = hold, threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.append(Received(session.peer, envelope.mail_from,
                                          list(envelope.rcpt_tos), envelope.original_content))
        self.holding.set()
        await asyncio.sleep(self.hold)
        self.holding.clear()
        return "250 2.0.0 Accepted"


def start_sender(app, server, tmp_path, *, batch_size):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.sender_runner", app.config["SQLALCHEMY_DATABASE_URI"],
         str(tmp_path / "sender"), str(server.port), str(CLAIM), str(batch_size)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, process, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the sender did not get there: {process.communicate()[1][-3000:]}")
        time.sleep(0.01)


def states():
    db.session.expire_all()
    return Counter(db.session.scalars(select(OutboxMessage.state)))


def test_a_sender_paused_past_its_claim_sends_nothing_another_took_over(app, tmp_path):
    handler = SlowQuit(quit_delay=0.6)
    server = SMTPServer(handler).start()
    process = None
    try:
        rows = queue(18)
        process = start_sender(app, server, tmp_path, batch_size=1)
        # Paused as it waits for the server's goodbye after its third message or later:
        # those are recorded as sent; the other fifteen are claimed, held and not yet tried.
        wait_for(lambda: len(server.received) >= 3 and handler.quitting.is_set(), process)
        process.send_signal(signal.SIGSTOP)
        paused = states()
        sent_first = paused["sent"]
        assert sent_first == len(server.received) and paused["sending"] == 18 - sent_first

        time.sleep(CLAIM + 1.5)  # the paused sender's claim runs out
        summary = deliver_pending(db.session, now=utcnow(),
                                  transport=SMTPTransport("127.0.0.1", server.port, timeout=10))
        assert summary.recovered == 18 - sent_first and summary.sent == 18 - sent_first
        assert states() == {"sent": 18}

        process.send_signal(signal.SIGCONT)
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        first = json.loads(out.strip().splitlines()[-1])
        print(f"\npaused sender: {first}; the other: {summary}")
        assert first["sent"] == sent_first
        assert first["taken_over"] == 18 - sent_first

        received = Counter(server.message_ids())
        assert received.keys() == {message_id(row.dedupe_key) for row in rows}
        assert set(received.values()) == {1}, "a message was sent twice"
        assert states() == {"sent": 18}
        assert not any(reload(row).possibly_duplicate for row in rows)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
        server.stop()


def test_a_sender_killed_between_acceptance_and_commit_resends_that_one_marked(app, tmp_path):
    handler = AcceptThenHold(hold=1.0)
    server = SMTPServer(handler).start()
    process = None
    try:
        rows = queue(6)
        process = start_sender(app, server, tmp_path, batch_size=100)
        # Killed while the server holds its reply to the third message, which it has taken.
        wait_for(lambda: len(server.received) >= 3 and handler.holding.is_set(), process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        in_flight = server.message_ids()[-1]
        assert states() == {"sent": 2, "sending": 4}

        time.sleep(CLAIM + 1)
        handler.hold = 0
        summary = deliver_pending(db.session, now=utcnow(),
                                  transport=SMTPTransport("127.0.0.1", server.port, timeout=10))
        assert summary.recovered == 4 and summary.sent == 4
        received = Counter(server.message_ids())
        assert received.keys() == {message_id(row.dedupe_key) for row in rows}
        # That one message again, with the same Message-ID; marked; nothing else twice.
        assert {mid for mid, n in received.items() if n > 1} == {in_flight}
        assert max(received.values()) == 2
        marked = {message_id(row.dedupe_key) for row in rows if reload(row).possibly_duplicate}
        assert marked == {in_flight}
        assert states() == {"sent": 6}
    finally:
        if process is not None and process.poll() is None:
            process.kill()
        server.stop()


# The fence and the renewal, one process standing in for two ----------------------------------

class TakeOverDuring:
    """A real SMTP transport that, during its first send, lets ``other`` run first."""

    def __init__(self, server, other):
        self.smtp, self.other, self.done = SMTPTransport("127.0.0.1", server.port), other, False

    def open(self):
        connection = self.smtp.open()
        outer = self

        class Connection:
            def send(self, email, **kw):
                if not outer.done:
                    outer.done = True
                    outer.other()
                return connection.send(email, **kw)

            def close(self):
                connection.close()

        return Connection()


def in_other_app(make_app, work):
    """``work()`` in another application (its own connections), on another thread."""
    other, result = make_app(), []

    def run():
        with other.app_context():
            result.append(work())
            db.session.commit()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    return result[0]


def test_the_check_before_sending_stops_a_sender_that_lost_its_messages(app, make_app):
    server = SMTPServer(Handler()).start()
    try:
        rows = queue(5)
        now = utcnow()
        timeout = app.config["MAIL_SENDING_TIMEOUT"]
        # While the first pass sends its first message, a second one, whose clock is past the
        # first one's claim, takes the rest back and sends them all (the one in flight too).
        taken = []
        transport = TakeOverDuring(server, lambda: taken.append(in_other_app(make_app,
            lambda: deliver_pending(db.session, now=now + timedelta(seconds=timeout + 1),
                                    transport=SMTPTransport("127.0.0.1", server.port)))))
        summary = deliver_pending(db.session, now=now, transport=transport)
        (second,) = taken
        assert second.recovered == 5 and second.sent == 5
        # The first pass sent the message it had confirmed, then found the next one gone.
        assert summary.sent == 1 and summary.taken_over == 4
        received = Counter(server.message_ids())
        first = message_id(rows[0].dedupe_key)
        assert received == {**{message_id(r.dedupe_key): 1 for r in rows[1:]}, first: 2}
        assert [reload(r).possibly_duplicate for r in rows] == [True] + [False] * 4
        assert states() == {"sent": 5}
    finally:
        server.stop()


def test_a_renewal_that_matches_fewer_messages_ends_the_pass(app, make_app, monkeypatch):
    server = SMTPServer(Handler()).start()
    try:
        rows = queue(4)
        timeout = app.config["MAIL_SENDING_TIMEOUT"]

        class clock:  # noqa: N801 - stands in for delivery._Clock: each send takes the claim
            now = utcnow()

            def __init__(self, now):
                pass

            def __call__(self):
                return clock.now

        def steal_the_last():
            """Another pass took the last message over (its token) while the first one sent."""
            clock.now += timedelta(seconds=timeout)
            in_other_app(make_app, lambda: db.session.execute(
                update(OutboxMessage).where(OutboxMessage.id == rows[-1].id)
                .values(claim_token="another-pass")))

        monkeypatch.setattr(delivery, "_Clock", clock)
        summary = deliver_pending(db.session, now=clock.now,
                                  transport=TakeOverDuring(server, steal_the_last))
        assert summary.sent == 1 and summary.taken_over == 3
        assert len(server.received) == 1
        # Released to the queue, except the one the other pass holds.
        assert [reload(r).state for r in rows] == ["sent", "pending", "pending", "sending"]
        assert reload(rows[-1]).claim_token == "another-pass"
    finally:
        server.stop()


def test_a_message_taken_back_after_its_check_is_marked_possibly_sent_twice(app):
    checked, unchecked = queue(2)
    now = utcnow()
    for row in (checked, unchecked):
        row.state, row.claim_token, row.next_attempt_at = "sending", "a" * 32, now
    checked.send_started_at = now
    db.session.commit()
    assert delivery.recover_stuck(db.session, now=now + timedelta(seconds=1)) == 2
    db.session.commit()
    assert [(reload(r).state, reload(r).possibly_duplicate, reload(r).claim_token)
            for r in (checked, unchecked)] == [("pending", True, None), ("pending", False, None)]


def test_the_outbox_page_says_possibly_sent_twice(app, client, login_as):
    marked, plain = queue(2)
    marked.possibly_duplicate = True
    marked.state = plain.state = "sent"
    db.session.commit()
    login_as("admin")  # the pages in the default language, Vietnamese
    page = client.get("/admin/outbox").text
    assert page.count("Có thể đã gửi hai lần") == 1
    assert "cùng Message-ID" in page
    assert "Có thể đã gửi hai lần" in client.get(f"/admin/outbox/{marked.id}").text
    assert "Có thể đã gửi hai lần" not in client.get(f"/admin/outbox/{plain.id}").text
