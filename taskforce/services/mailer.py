"""The delivery pass: pending outbox messages sent by SMTP, or written as .eml files.

Unlike the other services this one commits: messages are claimed a few at a time before
they are sent, and each is marked sent or failed in its own commit before the next is sent,
so a process that dies loses at most the one message it was sending (which, like the
claimed ones it had not tried, goes back to the queue when its claim expires:
at-least-once).
"""

import hashlib
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from email.header import Header
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from taskforce.models import DeliveryAttempt, OutboxMessage, OutboxState
from taskforce.services import audit
from taskforce.services.errors import DomainError

MESSAGE_ID_DOMAIN = "taskforce"
MAX_ERROR_LENGTH = 2000
INTERRUPTED = "interrupted: the sending process stopped before recording the outcome"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Messages claimed at a time: fewer statements per message, while a process that dies
# leaves at most this many waiting for their claim to run out (sent then, not twice).
CLAIM_SIZE = 20
# What the pass reads of a claimed message.
CLAIMED_COLUMNS = (OutboxMessage.id, OutboxMessage.kind, OutboxMessage.dedupe_key,
                   OutboxMessage.recipient, OutboxMessage.locale, OutboxMessage.subject,
                   OutboxMessage.body_text, OutboxMessage.body_html, OutboxMessage.created_at,
                   OutboxMessage.attempts)


# Messages -------------------------------------------------------------------------------------

def message_id(key):
    """A Message-ID that is the same on every try, built from the outbox key."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{MESSAGE_ID_DOMAIN}>"


def build_message(session, message, *, sender):
    """The MIME message for an outbox row: text and HTML, and the review chart if any.

    Built with the classic MIME classes: the modern API parses and refolds every header,
    which made building messages most of the delivery pass's time (bench/RESULTS.md).
    """
    if message.body_html:
        email = MIMEMultipart("alternative")
        email.attach(MIMEText(message.body_text, "plain", "utf-8"))
        email.attach(_html_part(session, message))
    else:
        email = MIMEText(message.body_text, "plain", "utf-8")
    email["Subject"] = Header(message.subject, "utf-8")
    email["From"] = _address(sender)
    email["To"] = _address(message.recipient)
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message.dedupe_key)
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.locale
    return email


def _html_part(session, message):
    html = MIMEText(message.body_html, "html", "utf-8")
    images = _inline_images(session, message)
    if not images:
        return html
    related = MIMEMultipart("related")
    related.attach(html)
    for content_id, png in images:
        image = MIMEImage(png, "png")
        image["Content-ID"] = f"<{content_id}>"
        image["Content-Disposition"] = "inline"
        related.attach(image)
    return related


def _address(value):
    """An address header, its display name (if any) encoded for non-ASCII letters."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name and address else value


def _inline_images(session, message):
    # The reviews' convention: a message of kind "review" shows the review's chart, which
    # is drawn again from the stored snapshot rather than kept in the outbox.
    from taskforce.services import reviews

    if message.kind != reviews.MAIL_KIND:
        return []
    return reviews.inline_images(session, message)


# Transports -----------------------------------------------------------------------------------

class SMTPTransport:
    """An SMTP server; ``open()`` gives a connection that sends many messages."""

    name = "smtp"

    def __init__(self, host, port=25, *, use_tls=False, use_ssl=False, username="",
                 password="", timeout=30, cafile=None):
        self.host, self.port = host, int(port)
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.timeout, self.cafile = timeout, cafile

    def describe(self):
        security = "SSL" if self.use_ssl else "STARTTLS" if self.use_tls else _("no TLS")
        return f"SMTP {self.host}:{self.port} ({security})"

    def ssl_context(self):
        """Certificate and host name checked against the system's CAs (and MAIL_CA_FILE)."""
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        return context

    def open(self):
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self.ssl_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                smtp.starttls(context=self.ssl_context())
            if self.username:
                smtp.login(self.username, self.password)
        except BaseException:
            smtp.close()
            raise
        return _SMTPConnection(smtp)


class _SMTPConnection:
    def __init__(self, smtp):
        self.smtp = smtp

    def send(self, email, *, sender, recipient, key):
        self.smtp.send_message(email, from_addr=sender, to_addrs=[recipient])

    def close(self):
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()


class FileTransport:
    """Writes each message as an .eml file: the default when no SMTP server is set."""

    name = "file"

    def __init__(self, directory):
        self.directory = Path(directory)

    def describe(self):
        return str(self.directory)

    def open(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, email, *, sender, recipient, key):
        # A stable name: delivering the same message again rewrites the same file.
        path = self.directory / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(email.as_bytes())
        os.replace(partial, path)
        return str(path)

    def close(self):
        pass


def transport_for(config):
    """SMTP when MAIL_SERVER is set, else .eml files under MAIL_OUTBOX_DIR."""
    if not config.get("MAIL_SERVER"):
        return FileTransport(config["MAIL_OUTBOX_DIR"])
    return SMTPTransport(
        config["MAIL_SERVER"], config["MAIL_PORT"], use_tls=bool(config["MAIL_USE_TLS"]),
        use_ssl=bool(config["MAIL_USE_SSL"]), username=config.get("MAIL_USERNAME") or "",
        password=config.get("MAIL_PASSWORD") or "", timeout=config["MAIL_TIMEOUT"],
        cafile=config.get("MAIL_CA_FILE") or None)


def _whole_number(config, name, low, high=None):
    value = config.get(name)
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < low \
            or (high is not None and int(text) > high):
        limit = f"from {low} to {high}" if high is not None else f"of at least {low}"
        return f"{name} must be a whole number {limit}, not {value!r}"
    return None


def config_problems(config):
    """What is wrong with the mail settings, as sentences; empty when they are usable."""
    problems = [_whole_number(config, "MAIL_PORT", 1, 65535),
                _whole_number(config, "MAIL_TIMEOUT", 1, 600),
                _whole_number(config, "MAIL_MAX_ATTEMPTS", 1, 30),
                _whole_number(config, "MAIL_BATCH_SIZE", 1),
                _whole_number(config, "MAIL_SENDING_TIMEOUT", 60)]
    server = str(config.get("MAIL_SERVER") or "")
    if server and ("://" in server or any(c.isspace() for c in server) or "/" in server):
        problems.append(f"MAIL_SERVER must be a host name such as smtp.example.gov.vn, "
                        f"not {server!r}")
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        problems.append("MAIL_USE_TLS (STARTTLS, usually port 587) and MAIL_USE_SSL (implicit "
                        "TLS, usually port 465) cannot both be on")
    if bool(config.get("MAIL_USERNAME")) != bool(config.get("MAIL_PASSWORD")):
        problems.append("MAIL_USERNAME and MAIL_PASSWORD must be set together")
    if server and config.get("MAIL_USERNAME") and server.lower() not in LOCAL_HOSTS \
            and not (config.get("MAIL_USE_TLS") or config.get("MAIL_USE_SSL")):
        problems.append("MAIL_USERNAME is set without MAIL_USE_TLS or MAIL_USE_SSL: the "
                        "password would cross the network in clear")
    sender = parseaddr(str(config.get("MAIL_DEFAULT_SENDER") or ""))[1]
    if "@" not in sender:
        problems.append(f"MAIL_DEFAULT_SENDER must be an e-mail address, not "
                        f"{config.get('MAIL_DEFAULT_SENDER')!r}")
    cafile = config.get("MAIL_CA_FILE")
    if cafile and not os.path.isfile(cafile):
        problems.append(f"MAIL_CA_FILE {cafile!r} is not a file")
    if not any(problems[:5]) and int(config["MAIL_SENDING_TIMEOUT"]) < \
            6 * int(config["MAIL_TIMEOUT"]):
        problems.append("MAIL_SENDING_TIMEOUT must be at least six times MAIL_TIMEOUT, or a "
                        "slow message would be taken for an interrupted one and sent twice")
    return [problem for problem in problems if problem]


# The pass -------------------------------------------------------------------------------------

@dataclass
class DeliverySummary:
    """What a delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0
    stopped: str | None = None


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
    """Put messages whose sender died while 'sending' back in the queue; how many."""
    limit = current_app.config["MAIL_MAX_ATTEMPTS"]
    ids = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.state == OutboxState.SENDING, OutboxMessage.next_attempt_at <= now)
        .values(state=case((OutboxMessage.attempts + 1 >= limit, OutboxState.FAILED),
                           else_=OutboxState.PENDING),
                attempts=OutboxMessage.attempts + 1, last_error=INTERRUPTED,
                next_attempt_at=now)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.add_all(DeliveryAttempt(outbox_id=ident, attempted_at=now, ok=False,
                                    error=INTERRUPTED) for ident in ids)
    session.flush()
    return len(ids)


def claim(session, *, now, limit=CLAIM_SIZE):
    """Take up to ``limit`` due messages for this process (pending → sending), oldest first.

    The claim is a conditional UPDATE, and on PostgreSQL the candidate rows are picked with
    FOR UPDATE SKIP LOCKED, so two deliverers never take the same message. While they are
    being sent, ``next_attempt_at`` holds the end of the claim. Returns plain rows.
    """
    # A materialised CTE: PostgreSQL may run a subquery of the WHERE clause more than once,
    # and each run would lock and add further rows beyond the limit.
    candidates = (select(OutboxMessage.id)
                  .where(OutboxMessage.state == OutboxState.PENDING,
                         OutboxMessage.next_attempt_at <= now)
                  .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                  .limit(limit).with_for_update(skip_locked=True)
                  .cte("candidates").prefix_with("MATERIALIZED", dialect="postgresql"))
    ids = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(candidates.c.id)),
               OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SENDING, next_attempt_at=_claim_end(now))
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    if not ids:
        return []
    return session.execute(select(*CLAIMED_COLUMNS).where(OutboxMessage.id.in_(ids))
                           .order_by(OutboxMessage.id)).all()


def _claim_end(now):
    return now + timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"])


def _keep_claims(session, held, claimed_until, clock):
    """Extend the claim of the messages still held once half of it has run out.

    A claimed message is taken back by another deliverer when its claim ends: a slow
    server must not let that happen to messages this pass still means to send.
    """
    now = clock()
    if now < claimed_until - timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"] / 2):
        return claimed_until
    claimed_until = _claim_end(now)
    session.execute(update(OutboxMessage)
                    .where(OutboxMessage.id.in_([row.id for row in held]),
                           OutboxMessage.state == OutboxState.SENDING)
                    .values(next_attempt_at=claimed_until)
                    .execution_options(synchronize_session=False))
    session.commit()
    return claimed_until


def _release(session, held, *, now):
    """Put the messages claimed but not tried back in the queue, due at once.

    Should the database be unreachable, their claim runs out and another pass takes them.
    """
    try:
        session.rollback()
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id.in_([row.id for row in held]),
                               OutboxMessage.state == OutboxState.SENDING)
                        .values(state=OutboxState.PENDING, next_attempt_at=now)
                        .execution_options(synchronize_session=False))
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        current_app.logger.warning("Could not put %s claimed messages back in the queue; "
                                   "they will be taken again when their claim runs out",
                                   len(held))


def deliver_pending(session, *, now, transport, batch_size=None):
    """Send every due message, ``batch_size`` per connection; commits after each one."""
    batch_size = batch_size or current_app.config["MAIL_BATCH_SIZE"]
    clock = _Clock(now)
    summary = DeliverySummary(recovered=recover_stuck(session, now=clock()))
    session.commit()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    connection, on_connection = None, 0
    held, claimed_until = [], None
    try:
        while True:
            if not held:
                started = clock()
                held, claimed_until = claim(session, now=started), _claim_end(started)
                session.commit()
                if not held:
                    break
            claimed_until = _keep_claims(session, held, claimed_until, clock)
            message = held.pop(0)
            try:
                email = build_message(session, message, sender=sender)
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
            _sent(session, message, stored, now=clock())
            summary.sent += 1
            on_connection += 1
            if on_connection >= batch_size:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
        if held:
            _release(session, held, now=clock())
    return summary


def _record(session, message, *, now, ok, error=None, **values):
    """Write the outcome of one try and commit it before anything more is sent."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                    .values(attempts=message.attempts + 1, last_error=error, **values)
                    .execution_options(synchronize_session=False))
    session.execute(insert(DeliveryAttempt).values(outbox_id=message.id, attempted_at=now,
                                                   ok=ok, error=error))
    session.commit()


def _sent(session, message, stored_path, *, now):
    _record(session, message, now=now, ok=True, state=OutboxState.SENT, sent_at=now,
            stored_path=stored_path)


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


# The outbox page ------------------------------------------------------------------------------

STATES = tuple(state.value for state in OutboxState)


def outbox_query(state=None):
    """The outbox, newest first, optionally of one state (for paging)."""
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(),
                                           OutboxMessage.id.desc())
    return query.where(OutboxMessage.state == state) if state else query


def state_counts(session):
    """How many messages are in each state (one GROUP BY)."""
    rows = session.execute(select(OutboxMessage.state, func.count(OutboxMessage.id))
                           .group_by(OutboxMessage.state))
    counts = dict.fromkeys(STATES, 0)
    counts.update(dict(rows.all()))
    return counts


def attempts_of(session, message_id):
    return session.scalars(select(DeliveryAttempt)
                           .where(DeliveryAttempt.outbox_id == message_id)
                           .order_by(DeliveryAttempt.attempted_at, DeliveryAttempt.id)).all()


def send_again(session, message, *, actor, now):
    """Queue a failed message again for a fresh series of tries."""
    if message.state != OutboxState.FAILED:
        raise DomainError(_("Only a message that failed can be sent again."))
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    session.flush()
    audit.record(session, actor, "outbox.send_again", message, now=now,
                 summary=message.recipient)
    return message
