"""Rows added unless they exist: INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL;
a pass made to wait for another one's commit, on both."""

from sqlalchemy import text, update
from sqlalchemy.dialects import postgresql, sqlite


def insert_missing(session, model, rows, conflict):
    """Insert ``rows``, skipping those whose ``conflict`` columns exist; the new ids."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(model).values(rows).on_conflict_do_nothing(index_elements=conflict)
                 .returning(model.id))
    return list(session.scalars(statement))


def serialise(session, key, model):
    """Make a second pass wait for the first to commit, so that it sees its rows.

    PostgreSQL: the advisory lock ``key`` for the transaction. SQLite: a write to ``model``
    that finds no row takes the database's write lock at once, before anything is read.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        session.execute(update(model).where(model.id < 0).values(kind=model.kind)
                        .execution_options(synchronize_session=False))
