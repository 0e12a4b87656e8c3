"""The delivery pass: pending outbox messages sent by SMTP, or written as .eml files.

Unlike the other services this one commits: each message is claimed before it is sent,
and marked sent or failed in the transaction that claims the next one (one commit per
message), so that a message the server has accepted is recorded as sent before another
is sent and a process that dies loses at most the one message it was sending (which goes
back to the queue when its claim expires: at-least-once).
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
from sqlalchemy import case, func, select, update

from taskforce.models import DeliveryAttempt, OutboxMessage, OutboxState
from taskforce.services import audit
from taskforce.services.errors import DomainError

MESSAGE_ID_DOMAIN = "taskforce"
MAX_ERROR_LENGTH = 2000
INTERRUPTED = "interrupted: the sending process stopped before recording the outcome"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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


def claim_next(session, *, now):
    """Take the next due message for this process (pending → sending), or None.

    The claim is a conditional UPDATE, and on PostgreSQL the candidate row is picked with
    FOR UPDATE SKIP LOCKED, so two deliverers never take the same message. While it is
    being sent, ``next_attempt_at`` holds the end of the claim.
    """
    lease = now + timedelta(seconds=current_app.config["MAIL_SENDING_TIMEOUT"])
    candidate = (select(OutboxMessage.id)
                 .where(OutboxMessage.state == OutboxState.PENDING,
                        OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                 .limit(1).with_for_update(skip_locked=True).scalar_subquery())
    ident = session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == candidate, OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SENDING, next_attempt_at=lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return session.get(OutboxMessage, ident, populate_existing=True) if ident else None


def deliver_pending(session, *, now, transport, batch_size=None):
    """Send every due message, ``batch_size`` per connection; commits after each one."""
    batch_size = batch_size or current_app.config["MAIL_BATCH_SIZE"]
    clock = _Clock(now)
    summary = DeliverySummary(recovered=recover_stuck(session, now=clock()))
    session.commit()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    connection, on_connection = None, 0
    try:
        message = claim_next(session, now=clock())
        session.commit()
        while message is not None:
            try:
                email = build_message(session, message, sender=sender)
            except Exception as error:  # a message that cannot be built fails alone
                _failed(session, message, error, now=clock(), summary=summary)
                message = _record_and_claim_next(session, clock)
                continue
            if connection is None:
                try:
                    connection, on_connection = transport.open(), 0
                except (smtplib.SMTPException, OSError) as error:
                    # Unreachable, refused TLS or log-in: try again at the next pass.
                    _failed(session, message, error, now=clock(), summary=summary)
                    session.commit()
                    summary.stopped = _describe(error)
                    break
            try:
                stored = connection.send(email, sender=sender, recipient=message.recipient,
                                         key=message.dedupe_key)
            except Exception as error:  # recorded on the message; the pass goes on if it can
                _failed(session, message, error, now=clock(), summary=summary)
                if _connection_broken(error):
                    session.commit()
                    summary.stopped = _describe(error)
                    break
                if not isinstance(error, smtplib.SMTPException):
                    connection.close()  # in an unknown state: start afresh
                    connection = None
                message = _record_and_claim_next(session, clock)
                continue
            _sent(session, message, stored, now=clock())
            summary.sent += 1
            on_connection += 1
            message = _record_and_claim_next(session, clock)
            if on_connection >= batch_size:
                connection.close()
                connection = None
    finally:
        if connection is not None:
            connection.close()
    return summary


def _record_and_claim_next(session, clock):
    """Commit the outcome of the message just tried together with the claim of the next.

    One commit per message rather than two: an outcome is still recorded before anything
    more is sent, and a message is still claimed before it is sent.
    """
    message = claim_next(session, now=clock())
    session.commit()
    return message


def _sent(session, message, stored_path, *, now):
    message.state = OutboxState.SENT
    message.sent_at = now
    message.attempts += 1
    message.last_error = None
    message.stored_path = stored_path
    session.add(DeliveryAttempt(outbox_id=message.id, attempted_at=now, ok=True))


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
    message.attempts += 1
    message.last_error = _describe(error)
    if _permanent(error) or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.state = OutboxState.FAILED
        message.next_attempt_at = now
        summary.failed += 1
    else:
        message.state = OutboxState.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
        summary.retrying += 1
    session.add(DeliveryAttempt(outbox_id=message.id, attempted_at=now, ok=False,
                                error=message.last_error))


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
