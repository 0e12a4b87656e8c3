"""Reminders and digests are delivered on working days only (issue #19 item 4, a setting).

On a Sunday or a public holiday (Tết, National Day) the delivery pass holds the reminders and
digests due, queued before or retried, until the next working day's morning, and sends the
rest at once: the workflow's e-mails (urgent, or wanted at once), reviews, an administrator's
alert. The next working day's pass delivers them, once, to a real SMTP server (aiosmtpd).
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.services import settings
from taskforce.services.mail.delivery import deliver_pending, next_workday_morning
from taskforce.services.mail.transports import SMTPTransport
from tests.smtp_server import Handler, SMTPServer

KINDS = ("reminder", "digest", "workflow", "review", "webhook_paused")
HELD = {"reminder", "digest"}
# (a moment of the day off, in UTC; the next working day's morning at 07:30 in Hà Nội)
DAYS_OFF = {
    "sunday": (datetime(2020, 11, 22, 2, 0, tzinfo=UTC), datetime(2020, 11, 23, 0, 30, tzinfo=UTC)),
    "tet": (datetime(2021, 2, 12, 3, 0, tzinfo=UTC), datetime(2021, 2, 17, 0, 30, tzinfo=UTC)),
    "national_day": (datetime(2020, 9, 2, 3, 0, tzinfo=UTC),
                     datetime(2020, 9, 3, 0, 30, tzinfo=UTC)),
}


@pytest.fixture
def held_app(make_app):
    app = make_app(MAIL_HOLD_ON_DAYS_OFF=True)
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def smtp():
    server = SMTPServer(Handler()).start()
    yield server
    server.stop()


def transport_to(server):
    return SMTPTransport("127.0.0.1", server.port, timeout=10)


def queue(at, *, attempts=0):
    """One message of each kind, due at ``at`` (``attempts`` earlier tries: a retry)."""
    rows = [OutboxMessage(dedupe_key=f"{kind}:{at.isoformat()}", kind=kind,
                          recipient=f"{kind.replace('_', '-')}@stp.test", locale="vi",
                          subject=f"Thư {kind}", body_text=f"Nội dung {kind}",
                          body_html=f"<p>Nội dung {kind}</p>", created_at=at,
                          next_attempt_at=at, attempts=attempts)
            for kind in KINDS]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def received(server):
    return Counter(item.rcpt_tos[0].split("@")[0].replace("-", "_") for item in server.received)


@pytest.mark.parametrize("day_off", sorted(DAYS_OFF))
def test_reminders_and_digests_wait_for_the_next_working_days_morning(held_app, smtp, day_off):
    moment, morning = DAYS_OFF[day_off]
    assert next_workday_morning(db.session, moment.date()) == morning
    queue(moment - timedelta(days=1))
    queue(moment - timedelta(hours=1), attempts=2)  # retried on the day off
    summary = deliver_pending(db.session, now=moment, transport=transport_to(smtp))
    assert summary.held == 4 and summary.sent == 6
    assert received(smtp) == {kind: 2 for kind in KINDS if kind not in HELD}
    db.session.expire_all()
    waiting = db.session.execute(select(OutboxMessage.kind, OutboxMessage.next_attempt_at)
                                 .where(OutboxMessage.state == "pending")).all()
    assert sorted(kind for kind, _at in waiting) == ["digest", "digest", "reminder", "reminder"]
    assert {at for _kind, at in waiting} == {morning}
    # Later the same day, or just before the morning: still nothing of them.
    again = deliver_pending(db.session, now=morning - timedelta(minutes=1),
                            transport=transport_to(smtp))
    assert again.sent == 0 and len(smtp.received) == 6
    # The next working day's morning delivers them, once.
    then = deliver_pending(db.session, now=morning, transport=transport_to(smtp))
    assert then.sent == 4 and then.held == 0
    assert received(smtp) == {kind: 2 for kind in KINDS}
    assert deliver_pending(db.session, now=morning + timedelta(hours=1),
                           transport=transport_to(smtp)).sent == 0
    assert len(smtp.received) == 10


def test_a_working_day_sends_everything(held_app, smtp):
    monday = datetime(2020, 11, 23, 2, 0, tzinfo=UTC)
    queue(monday - timedelta(days=2))
    summary = deliver_pending(db.session, now=monday, transport=transport_to(smtp))
    assert (summary.sent, summary.held) == (5, 0)
    assert received(smtp) == dict.fromkeys(KINDS, 1)


def test_the_setting_off_sends_on_a_sunday_too(held_app, smtp):
    settings.put(db.session, "reminder_policy", {"workdays_only": False})
    db.session.commit()
    moment, _morning = DAYS_OFF["sunday"]
    queue(moment - timedelta(hours=2))
    summary = deliver_pending(db.session, now=moment, transport=transport_to(smtp))
    assert (summary.sent, summary.held) == (5, 0)


def test_the_callers_day_decides(held_app, smtp):
    """A pinned day (the demo's, the CLI's --today) is the pass's day, not the wall clock's."""
    moment, _morning = DAYS_OFF["sunday"]
    queue(moment - timedelta(hours=2))
    summary = deliver_pending(db.session, now=moment, transport=transport_to(smtp),
                              today=moment.date() + timedelta(days=1))
    assert (summary.sent, summary.held) == (5, 0)
