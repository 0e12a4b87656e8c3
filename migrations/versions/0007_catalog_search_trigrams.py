"""Trigram indexes for the catalog search on PostgreSQL.

The search looks for words anywhere in a service's accent-free name or code (LIKE '%…%'),
which a B-tree cannot serve: at national size every search read all 130,000 services.
pg_trgm's GIN indexes answer it from the index. SQLite has no such index and keeps scanning,
which is quick enough at a province's size. Where the extension cannot be created (it ships
with PostgreSQL's contrib modules and is trusted, so a database owner may create it), the
indexes are left out and the search still works, only slower.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 03:00:00

"""
import logging

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
INDEXES = {
    "ix_services_name_key_trgm": "name_key gin_trgm_ops",
    "ix_services_code_trgm": "lower(code) gin_trgm_ops",
}


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        log.warning("pg_trgm is not available (%s): the catalog search keeps scanning",
                    str(error).splitlines()[0])
        return
    for name, column in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON services USING gin ({column})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
