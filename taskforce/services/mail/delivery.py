"""The delivery pass: pending outbox messages sent by SMTP, or written as .eml files.

Unlike the other services this one commits: messages are claimed a few at a time before
they are sent, and each is marked sent or failed in its own commit before the next is sent,
so a process that dies loses at most the one message it was sending (which, like the
claimed ones it had not tried, goes back to the queue when its claim expires:
at-least-once).

Claims are fenced. Each claim carries a random token; immediately before handing a message
to the server the pass confirms, with one conditional UPDATE (this id, this token, still
'sending') committed at once, that the message is still its own, and a renewal of the claim
that matches fewer rows than the pass holds ends the pass. A sender paused past its claim
(a frozen machine, a long pause) therefore never sends what another pass took over. What
remains cannot be closed over SMTP: a sender stopped between the server's acceptance and
its commit leaves a message that the next pass sends again, with the same Message-ID; that
message is marked ``possibly_duplicate`` ("possibly sent twice" on the outbox page).

On a weekend or a public holiday, when reminders keep to working days (the settings), the
reminders and digests due (queued before, or retried) are held until the next working day's
morning: their next try is set to it, and the pass sends the rest.
"""

import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as day_time

from flask import current_app
from sqlalchemy import case, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from taskforce.models import DeliveryAttempt, OutboxMessage, OutboxState
from taskforce.services import settings, workdays
from taskforce.services.clock import zone as province_zone
from taskforce.services.mail.outbox import build_message
from taskforce.services.mail.workflow import DIGEST_KIND
from taskforce.services.reminders import MAIL_KIND as REMINDER_KIND
from taskforce.services.webhook_events import KIND as WEBHOOK_KIND

# The kinds held on a day off: the deadline reminders and the daily digests, which speak of
# the working day. Not the workflow's e-mails (urgent, or wanted at once by the address's own
# choice), nor reviews (their own schedule), an administrator's alert or the webhooks.
HELD_ON_DAYS_OFF = (REMINDER_KIND, DIGEST_KIND)
# When held messages go out on the next working day, at the province's time.
WORKDAY_MORNING = day_time(7, 30)
MAX_ERROR_LENGTH = 2000
INTERRUPTED = "interrupted: the sending process stopped before recording the outcome"
# Messages claimed at a time: fewer statements per message, while a process that dies
# leaves at most this many waiting for their claim to run out (sent then, not twice).
CLAIM_SIZE = 20
# What the pass reads of a claimed message.
CLAIMED_COLUMNS = (OutboxMessage.id, OutboxMessage.kind, OutboxMessage.dedupe_key,
                   OutboxMessage.recipient, OutboxMessage.locale, OutboxMessage.subject,
                   OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.created_at,
                   OutboxMessage.attempts, OutboxMessage.claim_token,
                   OutboxMessage.webhook_id)


@dataclass
class DeliverySummary:
    """What a delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0
    taken_over: int = 0  # held by this pass, then taken by another one: left to it, not sent
    stopped: str | None = None
    held: int = 0  # reminders and digests held until the next working day's morning


class _Clock:
    """``now`` moved on by the time elapsed since the pass began."""

    def __init__(self, now):
        self.start, self.began = now, time.monotonic()

    def __call__(self):
        return self.start + timedelta(seconds=time.monotonic() - self.began)


def backoff(attempts):
    """The wait before the next try after ``attempts`` failed ones: 1, 2, 4, … minutes."""
    return timedelta(minutes=2 ** (min(attempts, 20) - 1))


def recover_stuck(session, *, now):
    """Put messages whose sender died (or stalled) while 'sending' back in the queue; how many.

    One whose sender had already confirmed it was about to hand it to the server may have
    been accepted: it is marked possibly sent twice.
    """
    limit = current_app.config["MAIL_MAX_ATTEMPTS"]
    ids = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.next_attempt_at <= now)
        .values(state=case((OutboxMessage.attempts + 1 >= limit, OutboxState.FAILED),
                           else_=OutboxState.PENDING),
                attempts=OutboxMessage.attempts + 1, last_error=INTERRUPTED,
                next_attempt_at=now, claim_token=None, send_started_at=None,
                possibly_duplicate=or_(OutboxMessage.possibly_duplicate,
                                       OutboxMessage.send_started_at.is_not(None)))
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.add_all(DeliveryAttempt(outbox_id=ident, attempted_at=now, ok=False,
                                    error=INTERRUPTED) for ident in ids)
    session.flush()
    return len(ids)


def next_workday_morning(session, day):
    """The moment held messages go out: WORKDAY_MORNING of the first working day after
    ``day``, in the province's time zone, as UTC."""
    following = workdays.calendar(session).add(day, 1)
    return datetime.combine(following, WORKDAY_MORNING, tzinfo=province_zone()).astimezone(UTC)


def hold_on_day_off(session, *, now, today=None):
    """On a day off, when reminders keep to working days, set the next try of the reminders
    and digests due before the next working day's morning to that morning; how many.

    ``today`` is the caller's day (the local date of ``now`` when not given). The
    configuration's MAIL_HOLD_ON_DAYS_OFF turns it off.
    """
    if not current_app.config.get("MAIL_HOLD_ON_DAYS_OFF", True):
        return 0
    day = today or now.astimezone(province_zone()).date()
    if not settings.reminder_policy(session).workdays_only \
            or workdays.calendar(session).is_workday(day):
        return 0
    morning = next_workday_morning(session, day)
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.PENDING,
               OutboxMessage.kind.in_(HELD_ON_DAYS_OFF), OutboxMessage.next_attempt_at < morning)
        .values(next_attempt_at=morning)
        .execution_options(synchronize_session=False)).rowcount


def _of_channel(channel):
    """The messages of a channel: the webhook deliveries, or every other (e-mail)."""
    if channel == WEBHOOK_KIND:
        return OutboxMessage.kind == WEBHOOK_KIND
    return OutboxMessage.kind != WEBHOOK_KIND


def claim(session, *, now, limit=CLAIM_SIZE, channel=None):
    """Take up to ``limit`` due messages of ``channel`` (e-mail unless ``webhook``) for
    this process (pending → sending), oldest first.

    The claim is a conditional UPDATE, and on PostgreSQL the candidate rows are picked with
    FOR UPDATE SKIP LOCKED, so two deliverers never take the same message. While they are
    being sent, ``next_attempt_at`` holds the end of the claim and ``claim_token`` a random
    token of this claim. Returns plain rows, each with the token.
    """
    # A materialised CTE: PostgreSQL may run a subquery of the WHERE clause more than once,
    # and each run would lock and add further rows beyond the limit.
    candidates = (select(OutboxMessage.id)
                  .where(OutboxMessage.state == OutboxState.PENDING,
                         OutboxMessage.next_attempt_at <= now, _of_channel(channel))
                  .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                  .limit(limit).with_for_update(skip_locked=True)
                  .cte("candidates").prefix_with("MATERIALIZED", dialect="postgresql"))
    ids = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(candidates.c.id)),
               OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SENDING, next_attempt_at=_claim_end(now),
                claim_token=secrets.token_hex(16), send_started_at=None)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    return session.execute(select(*CLAIMED_COLUMNS).where(OutboxMessage.id.in_(ids))
                           .order_by(OutboxMessage.id)).all()


def _claim_end(now):
    return now + timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"])


def _holding(message):
    """The WHERE clause of a message this pass still holds: its id, its claim, 'sending'."""
    return (OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token,
            OutboxMessage.state == OutboxState.SENDING)


def _keep_claims(session, held, claimed_until, clock):
    """Extend the claim of the messages still held once half of it has run out.

    A claimed message is taken back by another deliverer when its claim ends: a slow
    server must not let that happen to messages this pass still means to send. Returns
    the claim's new end, or None when the renewal matched fewer messages than the pass
    holds: another pass took some over (this one was paused past its claim), so this one
    stops.
    """
    now = clock()
    if now < claimed_until - timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"] / 2):
        return claimed_until
    claimed_until = _claim_end(now)
    renewed = session.execute(update(OutboxMessage)
                              .where(OutboxMessage.id.in_([row.id for row in held]),
                                     OutboxMessage.claim_token == held[0].claim_token,
                                     OutboxMessage.state == OutboxState.SENDING)
                              .values(next_attempt_at=claimed_until)
                              .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return claimed_until if renewed == len(held) else None


def _confirm(session, message, *, now, commit=True):
    """Whether ``message`` is still this pass's, confirmed and committed just before sending.

    One conditional UPDATE: it matches only while the claim is this pass's, and it stamps
    the moment (so that a pass taking the message back later knows it may have been sent)
    and extends the message's claim, so that nobody takes it back while it is being sent.
    The pass folds it into the commit of the previous message's outcome when the next one
    goes on the same connection (one commit a message, as before fencing).
    """
    confirmed = session.execute(update(OutboxMessage).where(*_holding(message))
                                .values(send_started_at=now, next_attempt_at=_claim_end(now))
                                .execution_options(synchronize_session=False)).rowcount
    if commit:
        session.commit()
    return confirmed == 1


def _prepare(session, message, *, sender, build=build_message):
    """The MIME message of ``message``, or None when it cannot be built (the pass says why)."""
    try:
        return build(session, message, sender=sender)
    except Exception:  # noqa: BLE001 - built again in its turn, and the failure recorded then
        return None


def _release(session, held, *, now):
    """Put the messages claimed but not tried back in the queue, due at once.

    Should the database be unreachable, their claim runs out and another pass takes them.
    """
    try:
        session.rollback()
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_([row.id for row in held]),
                               OutboxMessage.claim_token == held[0].claim_token,
                               OutboxMessage.state == OutboxState.SENDING)
                        .values(state=OutboxState.PENDING, next_attempt_at=now,
                                claim_token=None, send_started_at=None)
                        .execution_options(synchronize_session=False))
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        current_app.logger.warning("Could not put %s claimed messages back in the queue; "
                                   "they will be taken again when their claim runs out",
                                   len(held))


def deliver_pending(session, *, now, transport, batch_size=None, today=None):
    """Send every due message, ``batch_size`` per connection; commits after each one.

    The transport's ``channel`` says which messages it sends (the webhook transport its
    deliveries, each built by its ``build``); e-mail by default, whose reminders and digests
    wait on a day off (``today``, else the local date of ``now``) for the next working day.
    """
    batch_size = batch_size or current_app.config["MAIL_BATCH_SIZE"]
    channel = getattr(transport, "channel", None)
    build = getattr(transport, "build", build_message)
    clock = _Clock(now)
    summary = DeliverySummary(recovered=recover_stuck(session, now=clock()))
    if channel != WEBHOOK_KIND:
        summary.held = hold_on_day_off(session, now=clock(), today=today)
    session.commit()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    connection, on_connection = None, 0
    held, claimed_until = [], None
    # The next message, built and confirmed with the commit of the one before: (id, email).
    ready = (None, None)
    try:
        while True:
            if not held:
                started = clock()
                held = claim(session, now=started, channel=channel)
                claimed_until = _claim_end(started)
                session.commit()
                if not held:
                    break
            claimed_until = _keep_claims(session, held, claimed_until, clock)
            if claimed_until is None:
                summary.taken_over += len(held)
                break
            message = held.pop(0)
            confirmed = ready[0] == message.id
            email, ready = ready[1] if confirmed else None, (None, None)
            if email is None:
                try:
                    email = build(session, message, sender=sender)
                except Exception as error:  # a message that cannot be built fails alone
                    _failed(session, message, error, now=clock(), summary=summary)
                    continue
            if connection is None:
                try:
                    connection, on_connection = transport.open(), 0
                except (smtplib.SMTPException, OSError) as error:
                    # Unreachable, refused TLS or log-in: try again at the next pass.
                    _failed(session, message, error, now=clock(), summary=summary)
                    summary.stopped = _describe(error)
                    break
            if not confirmed and not _confirm(session, message, now=clock()):
                summary.taken_over += 1 + len(held)
                break
            try:
                stored = connection.send(email, sender=sender, recipient=message.recipient,
                                         key=message.dedupe_key)
            except Exception as error:  # recorded on the message; the pass goes on if it can
                _failed(session, message, error, now=clock(), summary=summary)
                if _connection_broken(error):
                    summary.stopped = _describe(error)
                    break
                if not isinstance(error, smtplib.SMTPException):
                    connection.close()  # in an unknown state: start afresh
                    connection = None
                continue
            on_connection += 1
            # The next message on this connection is built now and confirmed in the commit
            # of this one's outcome: one commit a message.
            following = held[0] if held and on_connection < batch_size else None
            following_email = None if following is None else \
                _prepare(session, following, sender=sender, build=build)
            if _sent(session, message, stored, now=clock(),
                     confirm=None if following_email is None else following):
                ready = (following.id, following_email)
            summary.sent += 1
            if on_connection >= batch_size:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
        if held:
            _release(session, held, now=clock())
    return summary


def _record(session, message, *, now, ok, error=None, confirm=None, **values):
    """Write the outcome of one try and commit it before anything more is sent.

    The outcome is written only while the message is still this pass's. When another pass
    took it back meanwhile (this one stalled after its last check) and this one sent it,
    both may have: the message is marked possibly sent twice. ``confirm``, the next message
    to send, is confirmed in the same commit; returns whether it was.
    """
    recorded = session.execute(update(OutboxMessage).where(*_holding(message))
                               .values(attempts=message.attempts + 1, last_error=error,
                                       claim_token=None, send_started_at=None, **values)
                               .execution_options(synchronize_session=False)).rowcount
    if not recorded and ok:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                        .values(possibly_duplicate=True)
                        .execution_options(synchronize_session=False))
    session.execute(insert(DeliveryAttempt).values(outbox_id=message.id, attempted_at=now,
                                                   ok=ok, error=error))
    confirmed = confirm is not None and _confirm(session, confirm, now=now, commit=False)
    session.commit()
    return confirmed


def _sent(session, message, stored_path, *, now, confirm=None):
    return _record(session, message, now=now, ok=True, state=OutboxState.SENT, sent_at=now,
                   stored_path=stored_path, confirm=confirm)


def _connection_broken(error):
    """Whether an error while sending is the connection's (stop the pass), not the message's."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421  # the server is closing the connection
    if isinstance(error, smtplib.SMTPException):
        return False  # recipients refused, SMTPUTF8 not supported: this message only
    return isinstance(error, OSError)  # socket and TLS errors


def _permanent(error):
    """Whether the server refused the message for good (a 5xx reply, a missing extension)."""
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return error.smtp_code >= 500
    return False


def _describe(error):
    text = str(error) or error.__class__.__name__
    return f"{error.__class__.__name__}: {text}"[:MAX_ERROR_LENGTH]


def _failed(session, message, error, *, now, summary):
    attempts = message.attempts + 1
    if _permanent(error) or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        state, next_attempt_at = OutboxState.FAILED, now
        summary.failed += 1
    else:
        state, next_attempt_at = OutboxState.PENDING, now + backoff(attempts)
        summary.retrying += 1
    _record(session, message, now=now, ok=False, error=_describe(error), state=state,
            next_attempt_at=next_attempt_at)
