"""Rows added unless they exist: INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""

from sqlalchemy.dialects import postgresql, sqlite


def insert_missing(session, model, rows, conflict):
    """Insert ``rows``, skipping those whose ``conflict`` columns exist; the new ids."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(model).values(rows).on_conflict_do_nothing(index_elements=conflict)
                 .returning(model.id))
    return list(session.scalars(statement))
