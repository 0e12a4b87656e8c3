"""An index of the months in which each service received online dossiers.

The "effective level 4" figure asks which services received online dossiers in the last three
months; at national size (1.1 million usage rows) that read 280,000 rows from the table on
every computation, where this partial index answers it alone.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 03:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ONLINE = sa.text("dossiers_online > 0")


def upgrade():
    with op.batch_alter_table('service_usage', schema=None) as batch_op:
        batch_op.create_index('ix_service_usage_online', ['month', 'service_id'], unique=False,
                              postgresql_where=ONLINE, sqlite_where=ONLINE)


def downgrade():
    with op.batch_alter_table('service_usage', schema=None) as batch_op:
        batch_op.drop_index('ix_service_usage_online')
