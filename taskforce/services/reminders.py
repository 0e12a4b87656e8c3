"""The planning pass: the reminders that should exist by today, made once, sent as digests.

Reminders are derived from the state of the database (DESIGN §5), not kept as timers:
each pass asks which reminder point every open task has reached and records the missing
(task, recipient, kind, point) items under their unique key, so a second pass, a
concurrent one or one after downtime adds nothing twice. Only the latest point a task
has reached is made, never the ones missed while nothing ran. The new items are then
grouped into one outbox message per recipient; items that arrive later the same day go
into a further message for that day.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, render_template
from flask_babel import force_locale, get_locale, gettext, ngettext
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from taskforce.models import (
    MailPreference,
    Member,
    Notification,
    OutboxMessage,
    OutboxState,
    Position,
    ReminderItem,
    Task,
    TaskStatus,
    Unit,
    User,
)
from taskforce.models.types import UTCDateTime
from taskforce.services import settings, webhook_events, workdays
from taskforce.services.inserts import serialise
from taskforce.services.tasks.progress import progress_expr

MAIL_KIND = "reminder"
ESCALATION = "escalation"
DUE = "due"
OVERDUE = "overdue"
# A task reported done waits for the leadership's acceptance: its unit is not reminded.
REMINDED_STATUSES = (TaskStatus.NEW, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)
LEADERSHIP = (Position.LEADER, Position.PERMANENT_DEPUTY, Position.DEPUTY)
# Addresses per IN list, well under the bound-parameter limits of SQLite and PostgreSQL.
CHUNK = 500
# The most tasks a digest lists; the others are counted, and listed in the application.
DIGEST_LIMIT = 50
# The PostgreSQL advisory lock that makes concurrent planning passes wait for each other.
PLAN_LOCK = 0x7A5C0001


@dataclass
class PlanSummary:
    """What a planning pass made (or, for a dry run, would make)."""

    today: object
    items: int = 0
    messages: int = 0
    dry_run: bool = False


def before_kind(days):
    return f"before_{days}"


# Reminder points ------------------------------------------------------------------------------

def latest_point(cal, policy, due_on, today):
    """``(kind, point_on)`` of the latest reminder point reached by ``today``, or None.

    A task due on a day off is treated as due on the last working day before it.
    Overdue points are every ``overdue_every`` working days after the due date.
    """
    deadline = cal.on_or_before(due_on)
    points = [(before_kind(n), cal.add(deadline, -n)) for n in policy.days_before]
    if policy.on_due_day:
        points.append((DUE, deadline))
    if policy.overdue_every and due_on < today:
        periods = cal.count(due_on, today) // policy.overdue_every
        if periods:
            points.append((OVERDUE, cal.add(due_on, periods * policy.overdue_every)))
    reached = [point for point in points if point[1] <= today]
    return max(reached, key=lambda point: point[1]) if reached else None


def escalation_point(cal, policy, due_on, today):
    """The day a task due on ``due_on`` is escalated, when ``today`` has reached it."""
    if not policy.escalate_after or cal.count(due_on, today) < policy.escalate_after:
        return None
    return cal.add(due_on, policy.escalate_after)


def _point_rows(session, cal, policy, today):
    """Reminder and escalation points, per due date of the open tasks.

    The policy depends only on the due date, so this loops over the distinct due dates
    (a few hundred, whatever the number of tasks), never over the tasks themselves.
    """
    horizon = cal.add(today, max(policy.days_before, default=0) + 1)
    # Grouped by status too: SQLite then reads the (status, due_on) index alone instead of
    # every task due by the horizon.
    dues = set(session.scalars(select(Task.due_on)
                               .where(Task.status.in_(REMINDED_STATUSES), Task.due_on <= horizon)
                               .group_by(Task.status, Task.due_on)))
    reminders, escalations = [], []
    for due_on in sorted(dues):
        point = latest_point(cal, policy, due_on, today)
        if point is not None:
            reminders.append((due_on, *point))
        escalated_on = escalation_point(cal, policy, due_on, today)
        if escalated_on is not None:
            escalations.append((due_on, ESCALATION, escalated_on))
    return reminders, escalations


# Recipients -----------------------------------------------------------------------------------

def _is_address(value):
    local, at, domain = value.partition("@")
    return bool(local and at and "." in domain and not any(c.isspace() for c in value))


def _unit_address_rows(session):
    """``{"unit_id", "address"}`` for every active unit's focal officer and listed addresses."""
    rows = {}
    for unit in session.scalars(select(Unit).where(Unit.active.is_(True))):
        for address in unit.notify_list:
            address = address.strip().lower()
            if _is_address(address):
                rows[unit.id, address] = {"unit_id": unit.id, "address": address}
    return list(rows.values())


def _member_address():
    return func.lower(func.trim(func.coalesce(func.nullif(Member.email, ""), User.email)))


def _not_reminded_since(recipient, escalation):
    """No item of the same family for this task and recipient at or after the point."""
    family = ReminderItem.kind == ESCALATION if escalation else ReminderItem.kind != ESCALATION
    return ~exists().where(ReminderItem.task_id == Task.id, ReminderItem.recipient == recipient,
                           family, ReminderItem.point_on >= _points.c.point_on)


def _item_select(recipient, *joins, conditions, escalation):
    query = (select(Task.id, recipient, _points.c.kind, _points.c.point_on).select_from(Task)
             .join(_points, and_(_points.c.escalation.is_(escalation),
                                 _points.c.due_on == Task.due_on)))
    for target, onclause, outer in joins:
        query = query.join(target, onclause, isouter=outer)
    return query.where(Task.status.in_(REMINDED_STATUSES), recipient.is_not(None),
                       recipient != "", _not_reminded_since(recipient, escalation),
                       *conditions)


def _unit_items():
    return _item_select(_addresses.c.address,
                        (_addresses, _addresses.c.unit_id == Task.unit_id, False),
                        conditions=(), escalation=False)


def _member_items(role):
    """Items for the member following (or assigned) each task; ``role`` is the column.

    One statement per role, not an OR of both: an OR join cannot use a hash join, and
    compares every task with every member.
    """
    address = _member_address()
    return _item_select(address, (Member, Member.id == role, False),
                        (User, User.id == Member.user_id, True),
                        conditions=(Member.active.is_(True),), escalation=False)


def _leadership_items():
    address = _member_address()
    return _item_select(address, (Member, Member.position.in_(LEADERSHIP), False),
                        (User, User.id == Member.user_id, True),
                        conditions=(Member.active.is_(True),), escalation=True)


def _item_selects(has_reminders, has_escalations):
    """The SELECTs of the items to make, from the points and addresses of the pass."""
    if has_reminders:
        yield _member_items(Task.follower_id)
        yield _member_items(Task.assignee_id)
        yield _unit_items()
    if has_escalations:
        yield _leadership_items()


# The pass -------------------------------------------------------------------------------------

# Temporary tables of one pass: the points reached per due date and the units' addresses
# (indexed, where a list of VALUES would be scanned again for every task), and the items
# about to be made, gathered before their messages exist so that each is written once,
# already pointing at its message.
_scratch = MetaData()
_points = Table(
    "reminder_points", _scratch,
    Column("escalation", Boolean, primary_key=True), Column("due_on", Date, primary_key=True),
    Column("kind", String(30)), Column("point_on", Date), prefixes=["TEMPORARY"])
_addresses = Table(
    "reminder_addresses", _scratch,
    Column("unit_id", Integer, primary_key=True), Column("address", String(254),
                                                         primary_key=True),
    prefixes=["TEMPORARY"])
_candidates = Table(
    "reminder_candidates", _scratch,
    Column("task_id", Integer), Column("recipient", String(254)), Column("kind", String(30)),
    Column("point_on", Date), prefixes=["TEMPORARY"])


def plan_reminders(session, *, today, now, dry_run=False):
    """Record the reminders due by ``today`` that are missing and queue them as digests.

    Flushes, never commits. A dry run records nothing (it fills only the pass's temporary
    tables) and says what a real run would make.
    """
    cal = workdays.calendar(session)
    policy = settings.reminder_policy(session)
    if policy.workdays_only and not cal.is_workday(today):
        # Nothing on a Sunday or a holiday: the next working day's pass makes what is due.
        return PlanSummary(today=today, dry_run=dry_run)
    reminder_rows, escalation_rows = _point_rows(session, cal, policy, today)
    if not (reminder_rows or escalation_rows):
        return PlanSummary(today=today, dry_run=dry_run)
    address_rows = _unit_address_rows(session) if reminder_rows else []
    if not dry_run:
        serialise(session, PLAN_LOCK, ReminderItem)
    _make_scratch(session, reminder_rows + escalation_rows, address_rows)
    selects = _item_selects(bool(reminder_rows), bool(escalation_rows))
    if dry_run:
        summary = _dry_run(session, today, selects)
    else:
        for query in selects:
            session.execute(_candidates.insert().from_select(
                ["task_id", "recipient", "kind", "point_on"], query))
        items, messages = _compose(session, cal, today=today, now=now)
        _webhook_points(session, now=now)
        summary = PlanSummary(today=today, items=items, messages=messages)
    # Dropped when the pass succeeds; should it fail, the rollback takes them away (or,
    # on SQLite, the next pass empties them).
    for table in reversed(_scratch.sorted_tables):
        table.drop(session.connection())
    return summary


def _webhook_points(session, *, now):
    """The overdue and escalated webhook events of the points this pass reached (each point
    of a task once, keyed so that no later pass queues it again)."""
    if not webhook_events.wanted(session, webhook_events.REMINDED.values()):
        return
    points = session.execute(select(_candidates.c.task_id, _candidates.c.kind,
                                    _candidates.c.point_on).distinct()
                             .where(_candidates.c.kind.in_(tuple(webhook_events.REMINDED)))
                             .order_by(_candidates.c.task_id)).all()
    if points:
        tasks = {task.id: task for task in session.scalars(
            select(Task).where(Task.id.in_({point.task_id for point in points})))}
        webhook_events.reminded(session, points, tasks, now=now)


def _make_scratch(session, point_rows, address_rows):
    connection = session.connection()
    for table in _scratch.sorted_tables:
        table.create(connection, checkfirst=True)
        session.execute(table.delete())
    session.execute(insert(_points), [
        {"escalation": kind == ESCALATION, "due_on": due_on, "kind": kind, "point_on": on}
        for due_on, kind, on in point_rows])
    if address_rows:
        session.execute(insert(_addresses), address_rows)
    if connection.dialect.name == "postgresql":
        # A temporary table has no statistics until asked: the joins are planned on them.
        session.execute(text("ANALYZE reminder_points, reminder_addresses"))


def _dry_run(session, today, selects):
    new = set()
    for query in selects:
        new.update(tuple(row) for row in session.execute(query))
    recipients = {row[1] for row in new}
    return PlanSummary(today=today, items=len(new), messages=len(recipients), dry_run=True)


# Digests --------------------------------------------------------------------------------------

def _compose(session, cal, *, today, now):
    """One outbox message per recipient of the candidates, then the items; (items, messages).

    A national pass makes tens of thousands of items: they are read as plain rows, the
    messages and notifications are written in bulk, and the items are written by one
    statement that joins each candidate to its recipient's new message.
    """
    pairs = session.execute(select(_candidates.c.recipient, _candidates.c.task_id,
                                   _candidates.c.kind).distinct()).all()
    if not pairs:
        return 0, 0
    # Each task once, however many recipients it has; its progress is the task page's figure.
    tasks = {row.id: row for row in session.execute(
        select(Task.id, Task.title, Task.due_on, progress_expr().label("progress"),
               Unit.name.label("unit_name"))
        .outerjoin(Unit, Unit.id == Task.unit_id)
        .where(Task.id.in_(select(_candidates.c.task_id))))}
    by_recipient = defaultdict(dict)  # recipient -> {task id: escalated}
    for recipient, task_id, kind in pairs:
        listed = by_recipient[recipient]
        listed[task_id] = listed.get(task_id, False) or kind == ESCALATION
    accounts = _accounts(session, list(by_recipient))
    numbers = _sent_today(session, today)
    default_locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    renderer = _DigestRenderer(cal, today, tasks)
    messages, notifications = [], []
    # Recipients of one language together: the language is switched once per group.
    for recipient in sorted(by_recipient, key=lambda r: (accounts.get(r, (None, None))[1]
                                                         or default_locale, r)):
        user_id, locale = accounts.get(recipient, (None, None))
        locale = locale or default_locale
        numbers[recipient] += 1
        digest = renderer.render(by_recipient[recipient], locale)
        messages.append({
            "dedupe_key": dedupe_key(recipient, today, numbers[recipient]), "kind": MAIL_KIND,
            "recipient": recipient, "recipient_user_id": user_id, "locale": locale,
            "subject": digest.subject[:500], "body_text": digest.text,
            "body_html": digest.html, "state": OutboxState.PENDING, "attempts": 0,
            "next_attempt_at": now, "created_at": now})
        if user_id is not None:
            notifications += _in_app(user_id, digest.shown, today, now)
    # Without RETURNING the rows go as one prepared statement, many times over; the new
    # messages are those after the highest id seen before (a concurrent pass waits in
    # ``inserts.serialise``, and other mail is of another kind).
    before = session.scalar(select(func.max(OutboxMessage.id))) or 0
    _insert_rows(session, OutboxMessage.__table__, messages)
    _insert_rows(session, Notification.__table__, notifications)
    return _insert_items(session, before, now), len(messages)


def _insert_rows(session, table, rows):
    """Insert plain rows (dicts with the same keys): one prepared statement, many times over,
    without the ORM's bookkeeping for each of thousands of rows."""
    if rows:
        session.connection().execute(insert(table), rows)


def _insert_items(session, before, now):
    """Write the candidates as items, each pointing at its recipient's new message.

    The pass's messages are the reminders after id ``before``, one per recipient.
    Returns how many items were written.
    """
    dialect = session.get_bind().dialect.name
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    made = (select(_candidates.c.task_id, _candidates.c.recipient, _candidates.c.kind,
                   _candidates.c.point_on, OutboxMessage.id,
                   literal(now, UTCDateTime()))
            .distinct()
            .join(OutboxMessage, OutboxMessage.recipient == _candidates.c.recipient)
            .where(OutboxMessage.id > before, OutboxMessage.kind == MAIL_KIND))
    statement = insert_into(ReminderItem).from_select(
        ["task_id", "recipient", "kind", "point_on", "outbox_id", "created_at"], made
    ).on_conflict_do_nothing(index_elements=["task_id", "recipient", "kind", "point_on"])
    # The ids written, counted: drivers report no row count for an INSERT … SELECT.
    return len(session.connection().execute(statement.returning(ReminderItem.id)).all())


def _in_app(user_id, rows, today, now):
    """The tasks a digest lists as in-app notifications (rows), for a recipient with an account."""
    return [{"user_id": user_id, "task_id": row["id"], "message": "", "created_at": now,
             "read_at": None, "kind": "overdue" if row["due_on"] < today else "due_soon"}
            for row in rows]


def dedupe_key(recipient, day, number):
    """The outbox key of the ``number``-th reminder digest of ``day`` for ``recipient``."""
    key = f"{MAIL_KIND}:{recipient}:{day.isoformat()}:{number}"
    if len(key) > 255:
        digest = hashlib.sha256(recipient.encode()).hexdigest()
        key = f"{MAIL_KIND}:{digest}:{day.isoformat()}:{number}"
    return key


def _sent_today(session, today):
    """How many digests each recipient already has for ``today``."""
    pattern = f"{MAIL_KIND}:%:{today.isoformat()}:%"
    rows = session.execute(select(OutboxMessage.recipient, func.count(OutboxMessage.id))
                           .where(OutboxMessage.kind == MAIL_KIND,
                                  OutboxMessage.dedupe_key.like(pattern))
                           .group_by(OutboxMessage.recipient))
    counts = defaultdict(int)
    counts.update({recipient: count for recipient, count in rows})
    return counts


def _accounts(session, addresses):
    """``{address: (user_id, locale)}`` for the addresses that belong to an account or chose
    a language (a unit's address on its e-mail page): the chosen language first."""
    found = {}
    for start in range(0, len(addresses), CHUNK):
        chunk = addresses[start:start + CHUNK]
        rows = session.execute(select(User.id, func.lower(User.email), User.locale)
                               .where(func.lower(User.email).in_(chunk)))
        found.update({email: (user_id, locale) for user_id, email, locale in rows})
        chosen = session.execute(select(MailPreference.address, MailPreference.locale)
                                 .where(MailPreference.address.in_(chunk),
                                        MailPreference.locale.is_not(None)))
        for address, locale in chosen:
            found[address] = (found.get(address, (None, None))[0], locale)
    return found


# Rendering ------------------------------------------------------------------------------------

def _standing(cal, due_on, today):
    """``(state, working days)``: "ahead" with the days left, "today", or "overdue"."""
    if due_on < today:
        return "overdue", cal.count(due_on, today)
    left = cal.count(today, cal.on_or_before(due_on))
    return ("ahead", left) if left else ("today", 0)


def standing_text(state, days, due_on, today):
    """The sentence that says where a task stands against its deadline (current locale)."""
    when = due_on.strftime("%d/%m/%Y")
    if state == "overdue":
        return ngettext("Overdue since %(date)s, %(num)s working day late.",
                        "Overdue since %(date)s, %(num)s working days late.", days, date=when)
    if state == "today" and due_on == today:
        return gettext("Due today, %(date)s.", date=when)
    if state == "today":
        return gettext("Due on %(date)s; today is the last working day before it.", date=when)
    return ngettext("Due on %(date)s, %(num)s working day left.",
                    "Due on %(date)s, %(num)s working days left.", days, date=when)


class Digest(NamedTuple):
    subject: str
    text: str
    html: str
    shown: list
    more: int


class _DigestRenderer:
    """Renders the digests of one pass; what depends only on a due date is worked out once.

    A digest lists at most DIGEST_LIMIT tasks, the escalated and the oldest first, and
    says how many more there are: a leader of a national task force would otherwise get
    thousands of rows, which nobody reads.
    """

    def __init__(self, cal, today, tasks):
        self.cal, self.today, self.tasks = cal, today, tasks
        self.standings = {}  # due_on -> (state, days)
        self.sentences = {}  # (locale, due_on) -> sentence
        self.made = {}  # (locale, tasks listed) -> Digest
        self.texts = {}  # locale -> the fixed sentences
        self.base_url = current_app.config["BASE_URL"].rstrip("/")

    def _row(self, task_id, escalated, locale):
        task = self.tasks[task_id]
        state, days = self._standing(task.due_on)
        return {"id": task_id, "title": task.title, "unit": task.unit_name or "",
                "due_on": task.due_on, "progress": task.progress, "escalated": escalated,
                "link": f"{self.base_url}/tasks/{task_id}", "state": state, "days": days,
                "standing": self._sentence(locale, task.due_on, state, days)}

    def _texts(self):
        """The fixed sentences of a digest in the current language, translated once a pass.

        Two thousand digests would otherwise ask for the same dozen translations each.
        """
        locale = str(get_locale())
        if locale not in self.texts:
            self.texts[locale] = {
                "heading": gettext("Task force reminder of %(date)s",
                                   date=self.today.strftime("%d/%m/%Y")),
                "task": gettext("Task"), "unit": gettext("Unit"),
                "deadline": gettext("Deadline"), "progress": gettext("Progress"),
                "escalated": gettext("Escalated to the leadership."),
                "please": gettext("Please update the progress of each task in the "
                                  "application, or ask for an extension in good time."),
                "follow_up": gettext("Open each task in the application to see its progress "
                                     "and decide what the unit must do."),
                "automatic": gettext("This message was sent automatically by the task "
                                     "force's work-management application."),
            }
        return self.texts[locale]

    def _standing(self, due_on):
        if due_on not in self.standings:
            self.standings[due_on] = _standing(self.cal, due_on, self.today)
        return self.standings[due_on]

    def _sentence(self, locale, due_on, state, days):
        key = (locale, due_on)
        if key not in self.sentences:
            self.sentences[key] = standing_text(state, days, due_on, self.today)
        return self.sentences[key]

    def render(self, listed, locale):
        """The digest of the tasks ``listed`` ({task id: escalated}) in ``locale``.

        The same tasks give the same digest: a unit's several addresses get one rendering.
        """
        key = (locale, frozenset(listed.items()))
        if key not in self.made:
            with force_locale(locale):
                self.made[key] = self._render(listed, locale)
        return self.made[key]

    def _render(self, listed, locale):
        """Subject, text and HTML of a digest: the most urgent first, at most DIGEST_LIMIT."""
        order = sorted(listed, key=lambda task_id: (not listed[task_id],
                                                    self.tasks[task_id].due_on, task_id))
        shown = [self._row(task_id, listed[task_id], locale)
                 for task_id in order[:DIGEST_LIMIT]]
        more = len(order) - len(shown)
        escalated = sum(1 for flag in listed.values() if flag)
        if escalated:
            subject = ngettext("Escalation: %(num)s task is seriously overdue",
                               "Escalation: %(num)s tasks are seriously overdue",
                               escalated)
        else:
            subject = ngettext("Reminder: %(num)s task is due or overdue",
                               "Reminder: %(num)s tasks are due or overdue", len(order))
        text = self._texts()
        # The leadership is told of escalations, not asked to update the units' work.
        context = {"rows": shown, "more": more, "subject": subject, "base_url": self.base_url,
                   "text": text, "closing": text["follow_up"] if escalated == len(listed)
                   else text["please"]}
        return Digest(subject, render_template("emails/reminder.txt", **context),
                      render_template("emails/reminder.html", **context), shown, more)


# Reading back ---------------------------------------------------------------------------------

def items_of_message(session, message_id):
    """The reminder items a digest carries, with their task titles."""
    return session.execute(
        select(ReminderItem, Task.title)
        .join(Task, Task.id == ReminderItem.task_id)
        .where(ReminderItem.outbox_id == message_id)
        .order_by(Task.due_on, Task.id)
    ).all()

