"""KPI figures kept between requests for as long as the catalog does not change.

Every figure is an aggregate over the whole level history: at national size (130,000
services) that takes hundreds of milliseconds, and the dashboard asks for the same figures
again and again between two changes. So a worker keeps them in memory under a *stamp*, a
token in the settings table that is replaced in the same transaction as any change to a
service, a unit, a level change or a usage figure. A session event does that on every
flush and every ORM bulk statement, so no code path can forget it; only a writer that
bypasses the ORM (SQL typed by hand, a bulk loader) must call ``touch`` itself, which
also writes the stored figures again.

The same events note which units' stored figures a change reaches (``kpi_store``), which
writes them again before the transaction commits.

A worker reads the stamp (one query by primary key) and reuses its figures while the stamp
is the same. Without a stamp (a database nothing has written to through the application)
nothing is kept.
"""

import threading
import uuid
from collections import OrderedDict
from itertools import chain

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taskforce.models import Setting
from taskforce.models.types import utcnow
from taskforce.services import kpi_store

STAMP_KEY = "kpi.data_stamp"
TRACKED_TABLES = frozenset({"services", "units", "level_changes", "service_usage"})
MAX_ENTRIES = 64
EXTENSION = "taskforce.kpi_cache"


class FigureCache:
    """The latest figures computed by this worker, least recently used dropped first."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


def init_app(app):
    app.extensions[EXTENSION] = FigureCache()
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_flush", _after_flush)
    kpi_store.init_events()


def stamp(session):
    """The current stamp as this transaction sees it (read afresh, never from the identity
    map, which may hold the value from before a touch)."""
    return session.scalar(select(Setting.value).where(Setting.key == STAMP_KEY))


def cached(session, key, compute):
    """``compute()``'s value for ``key``, computed once per stamp by this worker."""
    current = stamp(session)
    if current is None:
        return compute()
    figures = current_app.extensions[EXTENSION]
    found = figures.get((current, key))
    if found is None:
        found = compute()
        figures.put((current, key), found)
    return found


def touch(connection, today=None):
    """After rows were written around the session: replace the stamp, and write the stored
    figures again from the history (``kpi_store.rebuild``)."""
    new_stamp(connection)
    kpi_store.rebuild(connection, today or kpi_store.local_today())


def new_stamp(connection):
    """Replace the stamp: every worker computes its figures again."""
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"key": STAMP_KEY, "value": uuid.uuid4().hex, "updated_at": utcnow()}
    statement = insert(Setting).values(**values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value,
                                      "updated_at": statement.excluded.updated_at}))


def _tracked(instance):
    table = getattr(instance, "__table__", None)
    return table is not None and table.name in TRACKED_TABLES


def _before_flush(session, _flush_context, _instances):
    if any(_tracked(obj) for obj in chain(session.new, session.dirty, session.deleted)):
        new_stamp(session.connection())


def _after_flush(session, _flush_context):
    kpi_store.note_flush(session)


def _do_orm_execute(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in TRACKED_TABLES:
        new_stamp(state.session.connection())
        kpi_store.note_statement(state, table)
