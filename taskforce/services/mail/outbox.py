"""The outbox: queueing messages, the MIME message of a row, and the outbox page's queries.

A message is queued once per dedupe key, and built again at each try from its row: the
same Message-ID every time, and images drawn afresh by the module that wrote the message.
"""

import hashlib
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from taskforce.models import DeliveryAttempt, OutboxMessage, OutboxState
from taskforce.services import audit
from taskforce.services.errors import DomainError
from taskforce.services.inserts import insert_missing

MESSAGE_ID_DOMAIN = "taskforce"
STATES = tuple(state.value for state in OutboxState)


def queue(session, rows):
    """Add outbox rows, skipping any whose dedupe key is queued already; how many were added."""
    return len(insert_missing(session, OutboxMessage, rows, ["dedupe_key"])) if rows else 0


class Providers(dict):
    """What messages of each kind carry besides their text, drawn by a provider that the
    module writing that kind registers when it is imported (review_mail: the review's chart,
    its .xlsx and .docx, made again from the stored snapshot; the application loads it with
    the review pages, commands and jobs), so the outbox needs no attachment column and the
    mailer imports none of those modules."""

    def provides(self, kind):
        """Register the decorated ``provider(session, message)`` for messages of ``kind``."""
        def register(provider):
            self[kind] = provider
            return provider
        return register

    def of(self, session, message):
        """What the provider of ``message``'s kind gives (nothing by default)."""
        provider = self.get(message.kind)
        return provider(session, message) if provider is not None else []


# Inline images: a provider returns ``[(content_id, png_bytes)]``; the HTML refers to each as
# ``cid:``.
IMAGE_PROVIDERS = Providers()
provides_images, inline_images = IMAGE_PROVIDERS.provides, IMAGE_PROVIDERS.of
# Attached files: a provider returns ``[(filename, mimetype, data)]``.
ATTACHMENT_PROVIDERS = Providers()
provides_attachments, attachments = ATTACHMENT_PROVIDERS.provides, ATTACHMENT_PROVIDERS.of


# Messages -------------------------------------------------------------------------------------

def message_id(key):
    """A Message-ID that is the same on every try, built from the outbox key."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{MESSAGE_ID_DOMAIN}>"


def build_message(session, message, *, sender):
    """The MIME message for an outbox row: text and HTML, its inline images and its
    attached files if any.

    Built with the classic MIME classes: the modern API parses and refolds every header,
    which made building messages most of the delivery pass's time (bench/RESULTS.md).
    """
    if message.body_html:
        email = MIMEMultipart("alternative")
        email.attach(MIMEText(message.body_text, "plain", "utf-8"))
        email.attach(_html_part(session, message))
    else:
        email = MIMEText(message.body_text, "plain", "utf-8")
    files = attachments(session, message)
    if files:
        body, email = email, MIMEMultipart("mixed")
        email.attach(body)
        for filename, mimetype, data in files:
            part = MIMEApplication(data, mimetype.partition("/")[2])
            part.add_header("Content-Disposition", "attachment", filename=filename)
            email.attach(part)
    email["Subject"] = Header(message.subject, "utf-8")
    email["From"] = from_header(sender)
    email["To"] = _address(message.recipient)
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message_id(message.dedupe_key)
    email["Auto-Submitted"] = "auto-generated"
    email["Content-Language"] = message.locale
    return email


def _html_part(session, message):
    html = MIMEText(message.body_html, "html", "utf-8")
    images = inline_images(session, message)
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


def from_header(sender):
    """The From header: ``sender``, named MAIL_FROM_NAME unless it carries a name already."""
    name, address = parseaddr(sender)
    name = name or current_app.config.get("MAIL_FROM_NAME", "")
    return formataddr((name, address), charset="utf-8") if name and address else sender


def _address(value):
    """An address header, its display name (if any) encoded for non-ASCII letters."""
    name, address = parseaddr(value)
    return formataddr((name, address), charset="utf-8") if name and address else value


# The outbox page ------------------------------------------------------------------------------

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
    """The tries to deliver message ``message_id``, oldest first."""
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
