"""The workflow's e-mail: one notification event made into e-mails, at once or for a digest.

``notifications.notify`` hands every event here. The kinds in ``EMAILED`` go to the task's
unit addresses (its focal officer and listed addresses, which need no account), the member
following the task and the people the event concerns, never to whoever caused it. Each
address gets its own language; an urgent task's e-mail goes at once, any other one waits in
its address's daily digest unless the address chose to receive each at once. The reminder
run sends the digests (``send_digests``), once a day on working days.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select

from taskforce.models import (
    DigestEntry,
    MailMode,
    MailPreference,
    OutboxMessage,
    OutboxState,
    Priority,
    TaskStatus,
    User,
)
from taskforce.models.types import utcnow
from taskforce.services import audit, settings, workdays
from taskforce.services.errors import DomainError
from taskforce.services.inserts import serialise
from taskforce.services.mail import outbox

WORKFLOW_KIND = "workflow"
DIGEST_KIND = "digest"
EMAILED = frozenset({"assigned", "returned", "accepted", "cancelled", "extension_asked",
                     "extension_decided", "claim_verified", "claim_returned"})
# Addresses per IN list, well under the bound-parameter limits of SQLite and PostgreSQL.
CHUNK = 500
# The PostgreSQL advisory lock that makes concurrent digest passes wait for each other.
DIGEST_LOCK = 0x7A5C0002


@dataclass(frozen=True)
class Event:
    """What happened, as ``notify`` was told it, with the facts the e-mail states."""

    kind: str
    task: object = None
    unit: object = None
    users: tuple = ()
    note: str = ""
    actor: object = None
    now: object = None
    facts: dict = field(default_factory=dict)

    @property
    def is_urgent(self):
        return self.task is not None and self.task.priority == Priority.URGENT


# Addresses and their choices ------------------------------------------------------------------

def clean_address(value):
    """``value`` as a lower-case address, or "" when it is not one."""
    address = (value or "").strip().lower()
    local, at, domain = address.partition("@")
    if local and at and "." in domain and not any(c.isspace() for c in address):
        return address
    return ""


def _member_address(member):
    if member is None or not member.active:
        return ""
    return clean_address(member.email or getattr(member.user, "email", ""))


def recipients(session, event):
    """``{address: user id or None}`` of the event's e-mails, the actor's own left out."""
    actor_addresses = {clean_address(getattr(event.actor, "email", ""))}
    actor_addresses.add(_member_address(getattr(event.actor, "member", None)))
    found = {}

    def add(address, user_id=None):
        if address and address not in actor_addresses:
            found[address] = found.get(address) or user_id

    unit = event.unit if event.unit is not None else getattr(event.task, "unit", None)
    if unit is not None and unit.active:
        for address in unit.notify_list:
            add(clean_address(address))
    follower = getattr(event.task, "follower", None)
    add(_member_address(follower), getattr(follower, "user_id", None))
    for user in event.users:
        if user is not None and user.active:
            add(clean_address(user.email), user.id)
    return found


def choices(session, addresses):
    """``{address: (user id, locale, mode)}``: each address's account, language and choice."""
    addresses = sorted(set(addresses))
    if not addresses:
        return {}
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    accounts, preferences = {}, {}
    for start in range(0, len(addresses), CHUNK):
        chunk = addresses[start:start + CHUNK]
        accounts.update({email: (user_id, locale) for user_id, email, locale in session.execute(
            select(User.id, func.lower(User.email), User.locale)
            .where(func.lower(User.email).in_(chunk)))})
        preferences.update({row.address: row for row in session.scalars(
            select(MailPreference).where(MailPreference.address.in_(chunk)))})
    found = {}
    for address in addresses:
        user_id, user_locale = accounts.get(address, (None, None))
        chosen = preferences.get(address)
        locale = (chosen.locale if chosen else None) or user_locale or default
        found[address] = (user_id, locale, chosen.mode if chosen else MailMode.DIGEST)
    return found


# Turning an event into e-mails ----------------------------------------------------------------

def announce(session, event):
    """Queue the e-mails of ``event``: at once, or kept for each address's digest.

    Returns ``(sent at once, kept for digests)``. Flushes nothing itself beyond the rows.
    """
    if event.kind not in EMAILED:
        return 0, 0
    now = event.now or utcnow()
    to = recipients(session, event)
    if not to:
        return 0, 0
    chosen = choices(session, to)
    rendered = {}
    messages, entries = [], []
    for address in sorted(to):
        user_id, locale, mode = chosen[address]
        user_id = to[address] or user_id
        if locale not in rendered:
            with force_locale(locale):
                rendered[locale] = _render(event)
        subject, body_text, body_html, part_text, part_html = rendered[locale]
        if event.is_urgent or mode == MailMode.IMMEDIATE:
            messages.append({
                "dedupe_key": _event_key(event, now, address), "kind": WORKFLOW_KIND,
                "recipient": address, "recipient_user_id": user_id, "locale": locale,
                "subject": subject[:500], "body_text": body_text, "body_html": body_html,
                "state": OutboxState.PENDING, "attempts": 0, "next_attempt_at": now,
                "created_at": now})
        else:
            entries.append(DigestEntry(
                address=address, user_id=user_id, locale=locale, kind=event.kind,
                task_id=getattr(event.task, "id", None), subject=subject[:500],
                body_text=part_text, body_html=part_html, created_at=now))
    session.add_all(entries)
    return outbox.queue(session, messages), len(entries)


def _event_key(event, now, address):
    """The outbox key of one event's e-mail to one address (the same event, the same key)."""
    parts = (event.kind, getattr(event.task, "id", ""), getattr(event.unit, "id", ""),
             now.isoformat(), event.note, address)
    return f"{WORKFLOW_KIND}:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def base_url():
    """The address links in e-mails start with (config BASE_URL, see config.py)."""
    return current_app.config["BASE_URL"].rstrip("/")


def link_of(event):
    """The page the e-mail points to: the task's, else the claimed service's."""
    if event.task is not None:
        return f"{base_url()}/tasks/{event.task.id}"
    if event.facts.get("service_id"):
        return f"{base_url()}/catalog/{event.facts['service_id']}"
    return base_url()


def event_sentence(kind, title):
    """An event of ``kind`` on ``title`` as a sentence in the current language: the e-mail's
    subject, the in-app notification's text; ``kind`` itself for a kind without one."""
    texts = {
        "assigned": gettext("New task assigned: %(title)s", title=title),
        "returned": gettext("Task returned for more work: %(title)s", title=title),
        "accepted": gettext("Task accepted as done: %(title)s", title=title),
        "reported": gettext("Task reported done, awaiting acceptance: %(title)s", title=title),
        "due_soon": gettext("Task due soon: %(title)s", title=title),
        "overdue": gettext("Task overdue: %(title)s", title=title),
        "cancelled": gettext("Task cancelled: %(title)s", title=title),
        "claim_verified": gettext("Level claim verified: %(title)s", title=title),
        "claim_returned": gettext("Level claim returned: %(title)s", title=title),
        "extension_asked": gettext("Extension requested: %(title)s", title=title),
        "extension_decided": gettext("Extension decided: %(title)s", title=title),
    }
    return texts.get(kind, kind)


def subject_of(event):
    """The e-mail's subject in the current language."""
    title = (event.task.title_and_unit if event.task is not None
             else event.facts.get("service", ""))
    if event.kind == "extension_decided":
        if event.facts.get("approved"):
            return gettext("Extension approved: %(title)s", title=title)
        return gettext("Extension refused: %(title)s", title=title)
    if event.kind in ("claim_verified", "claim_returned"):
        title = event.facts.get("service", title)
    return event_sentence(event.kind, title)


def _note_label(kind):
    if kind in ("returned", "cancelled", "extension_asked", "claim_returned"):
        return gettext("Reason")
    return gettext("Note")


def _lines(event):
    """``[(label, value)]``: the facts of the e-mail, in the current language."""
    task = event.task
    lines = []
    if event.facts.get("service"):
        lines.append((gettext("Service"), event.facts["service"]))
    if event.facts.get("level"):
        lines.append((gettext("Level claimed"), str(event.facts["level"])))
    if task is not None:
        lines.append((gettext("Task"), task.title))
        if task.unit is not None:
            lines.append((gettext("Unit"), task.unit.name))
        lines.append((gettext("Deadline"), task.due_on.strftime("%d/%m/%Y")))
        lines.append((gettext("Priority"), Priority.word(task.priority)))
        lines.append((gettext("Status"), TaskStatus.word(task.status)))
    if event.facts.get("requested_due_on"):
        lines.append((gettext("Date asked for"),
                      event.facts["requested_due_on"].strftime("%d/%m/%Y")))
    if event.actor is not None:
        lines.append((gettext("By"), event.actor.full_name))
    note = event.note
    if event.facts.get("shortfall_reason"):
        # Said again in the reader's language (the in-app note is in the actor's).
        note = gettext("Accepted with a shortfall: %(reason)s",
                       reason=event.facts["shortfall_reason"])
    if event.facts.get("service") and note.startswith(event.facts["service"]):
        note = note[len(event.facts["service"]):].strip()  # the in-app text names the service
    if note:
        lines.append((_note_label(event.kind), note))
    return lines


def _render(event):
    """Subject, full text and HTML, and the parts a digest lists, in the current language."""
    subject = subject_of(event)
    context = {"subject": subject, "lines": _lines(event), "link": link_of(event),
               "urgent": event.is_urgent, "base_url": base_url()}
    part_text = render_template("emails/_event.txt", **context)
    part_html = render_template("emails/_event.html", **context)
    return (subject, render_template("emails/workflow.txt", part=part_text, **context),
            render_template("emails/workflow.html", part=part_html, **context),
            part_text, part_html)


# Daily digests --------------------------------------------------------------------------------

def digest_key(address, day):
    """The outbox key of ``address``'s digest of ``day``: one a day."""
    key = f"{DIGEST_KIND}:{address}:{day.isoformat()}"
    if len(key) > 255:
        key = f"{DIGEST_KIND}:{hashlib.sha256(address.encode()).hexdigest()}:{day.isoformat()}"
    return key


def send_digests(session, *, today, now):
    """Queue one digest per address of the e-mails kept for it; how many digests.

    Nothing on a day off when reminders keep to working days; an address that has had its
    digest today keeps what came since for the next one.
    """
    if settings.reminder_policy(session).workdays_only \
            and not workdays.calendar(session).is_workday(today):
        return 0
    serialise(session, DIGEST_LOCK, DigestEntry)
    waiting = defaultdict(list)
    for entry in session.scalars(select(DigestEntry).where(DigestEntry.outbox_id.is_(None))
                                 .order_by(DigestEntry.address, DigestEntry.created_at,
                                           DigestEntry.id)):
        waiting[entry.address].append(entry)
    if not waiting:
        return 0
    keys = {address: digest_key(address, today) for address in waiting}
    done = set(_message_ids(session, list(keys.values())))
    chosen = choices(session, waiting)
    rows = []
    for address, entries in waiting.items():
        if keys[address] in done:
            continue
        user_id, locale, _mode = chosen[address]
        with force_locale(locale):
            subject, body_text, body_html = _render_digest(entries, today)
        rows.append({"dedupe_key": keys[address], "kind": DIGEST_KIND, "recipient": address,
                     "recipient_user_id": user_id or entries[0].user_id, "locale": locale,
                     "subject": subject[:500], "body_text": body_text, "body_html": body_html,
                     "state": OutboxState.PENDING, "attempts": 0, "next_attempt_at": now,
                     "created_at": now})
    made = outbox.queue(session, rows)
    ids = _message_ids(session, [row["dedupe_key"] for row in rows])
    # The pass holds the lock taken above: the entries it read are its own to mark.
    for row in rows:
        for entry in waiting[row["recipient"]]:
            entry.outbox_id = ids[row["dedupe_key"]]
    session.flush()
    return made


def _message_ids(session, keys):
    """``{dedupe key: outbox id}`` of the messages queued under ``keys``."""
    found = {}
    for start in range(0, len(keys), CHUNK):
        found.update(session.execute(select(OutboxMessage.dedupe_key, OutboxMessage.id).where(
            OutboxMessage.dedupe_key.in_(keys[start:start + CHUNK]))).all())
    return found


def _render_digest(entries, today):
    subject = ngettext("Daily digest of %(date)s: %(num)s update on your tasks",
                       "Daily digest of %(date)s: %(num)s updates on your tasks",
                       len(entries), date=today.strftime("%d/%m/%Y"))
    context = {"subject": subject, "entries": entries, "base_url": base_url()}
    return (subject, render_template("emails/digest.txt", **context),
            render_template("emails/digest.html", **context))


# Choosing ------------------------------------------------------------------------------------

def preference(session, address):
    """``(locale or None, mode)`` as stored for ``address`` (the defaults when none is)."""
    row = session.scalar(select(MailPreference)
                         .where(MailPreference.address == clean_address(address)))
    return (row.locale, row.mode) if row is not None else (None, MailMode.DIGEST)


def preferences_of(session, addresses):
    """``[(address, locale or None, mode)]`` for each of ``addresses``, in their order."""
    cleaned = [a for a in dict.fromkeys(clean_address(a) for a in addresses) if a]
    rows = {row.address: row for row in session.scalars(
        select(MailPreference).where(MailPreference.address.in_(cleaned)))} if cleaned else {}
    return [(a, rows[a].locale if a in rows else None,
             rows[a].mode if a in rows else MailMode.DIGEST) for a in cleaned]


def save_preference(session, address, *, locale, mode, actor, now, unit=None):
    """Store the language ("" for the default) and delivery choice of ``address``; audited.

    Refuses an unknown language or choice, or an address that is not the actor's own or one
    of ``unit``'s (the caller has checked the actor may act for the unit).
    """
    address = clean_address(address)
    allowed = {clean_address(a) for a in unit.notify_list} if unit is not None \
        else {clean_address(actor.email)}
    if not address or address not in allowed:
        raise DomainError(gettext("This address is not one you may set."), field="address")
    if locale and locale not in current_app.config["LANGUAGES"]:
        raise DomainError(gettext("Choose one of the languages offered."), field="locale")
    if mode not in {m.value for m in MailMode}:
        raise DomainError(gettext("Choose one of the ways offered."), field="mode")
    row = session.scalar(select(MailPreference).where(MailPreference.address == address))
    before = (row.locale, row.mode) if row is not None else (None, MailMode.DIGEST.value)
    after = (locale or None, mode)
    if before == after:
        return row
    if row is None:
        row = MailPreference(address=address)
        session.add(row)
    row.locale, row.mode, row.updated_at = locale or None, mode, now
    session.flush()
    audit.record(session, actor, "mail.preference", unit, now=now, summary=address,
                 unit_id=getattr(unit, "id", None),
                 changes={"locale": [before[0], after[0]], "mode": [before[1], after[1]]})
    return row
