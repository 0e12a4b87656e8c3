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

The sums of the monthly usage (the dossier measures') are kept under a second stamp, the
*usage stamp*, which the same events replace on every change except a change of levels
alone: a claim, a verification or a return leaves the usage as it was, and a million usage
rows need not be read again after each of them. Any other tracked change (a usage figure, a
service moved, given a fee or deactivated, a unit, a service added or removed, a statement
the events cannot read) replaces both.
"""

import threading
import uuid
from collections import OrderedDict
from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from taskforce.models import Setting
from taskforce.models.types import utcnow
from taskforce.services import kpi_store

STAMP_KEY = "kpi.data_stamp"
USAGE_STAMP_KEY = "kpi.usage_stamp"
TRACKED_TABLES = frozenset({"services", "units", "level_changes", "service_usage"})
# A change of levels leaves the usage's sums as they were (the usage stamp is kept); of a
# service, these are the attributes the sums read (its unit, fee and whether it is active).
LEVEL_TABLES = frozenset({"level_changes"})
SERVICE_USAGE_ATTRS = frozenset({"unit_id", "unit", "has_fee", "active"})
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


def stamp(session, key=STAMP_KEY):
    """The current stamp (``key``: the catalog's, or ``USAGE_STAMP_KEY``) as this transaction
    sees it (read afresh, never from the identity map, which may hold the value from before a
    touch)."""
    return session.scalar(select(Setting.value).where(Setting.key == key))


def cached(session, key, compute, stamp_key=STAMP_KEY):
    """``compute()``'s value for ``key``, computed once per stamp by this worker (the
    catalog's stamp, or with ``stamp_key=USAGE_STAMP_KEY`` the usage's)."""
    current = stamp(session, stamp_key)
    if current is None:
        return compute()
    figures = current_app.extensions[EXTENSION]
    found = figures.get((current, key))
    if found is None:
        found = compute()
        figures.put((current, key), found)
    return found


def touch(connection, today=None):
    """After rows were written around the session: replace the stamps, and write the stored
    figures again from the history (``kpi_store.rebuild``)."""
    new_stamp(connection)
    kpi_store.rebuild(connection, today or kpi_store.local_today())


def new_stamp(connection, usage=True):
    """Replace the stamp, and the usage stamp unless ``usage`` is false (a change of levels
    alone): every worker computes its figures again."""
    dialect = connection.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    keys = (STAMP_KEY, USAGE_STAMP_KEY) if usage else (STAMP_KEY,)
    now = utcnow()
    statement = insert(Setting).values([{"key": key, "value": uuid.uuid4().hex,
                                         "updated_at": now} for key in keys])
    connection.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": statement.excluded.value,
                                      "updated_at": statement.excluded.updated_at}))


def _table(instance):
    table = getattr(instance, "__table__", None)
    return table.name if table is not None and table.name in TRACKED_TABLES else None


def _reaches_usage(session, obj, table):
    """Whether a tracked row's change can move the usage's sums: any but a level change's
    or a service's change that leaves its unit, fee and activity alone."""
    if table in LEVEL_TABLES:
        return False
    if table != "services" or obj in session.new or obj in session.deleted:
        return True
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in SERVICE_USAGE_ATTRS)


def _before_flush(session, _flush_context, _instances):
    changed = [(obj, _table(obj)) for obj in chain(session.new, session.dirty, session.deleted)]
    changed = [(obj, table) for obj, table in changed if table is not None]
    if changed:
        new_stamp(session.connection(),
                  usage=any(_reaches_usage(session, obj, table) for obj, table in changed))


def _after_flush(session, _flush_context):
    kpi_store.note_flush(session)


def _statement_reaches_usage(state, table):
    if table.name in LEVEL_TABLES:
        return False
    if table.name != "services" or not state.is_update:
        return True
    values = getattr(state.statement, "_values", None) or {}
    columns = {getattr(column, "key", column) for column in values}
    return not columns or bool(columns & SERVICE_USAGE_ATTRS)


def _do_orm_execute(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in TRACKED_TABLES:
        new_stamp(state.session.connection(), usage=_statement_reaches_usage(state, table))
        kpi_store.note_statement(state, table)
