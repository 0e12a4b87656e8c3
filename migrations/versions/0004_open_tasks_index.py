"""A partial index of the open tasks by due date, for lists of open work at scale.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 23:45:58.208958

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

IS_OPEN = sa.text("status IN ('new', 'in_progress', 'reported', 'returned')")


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_due', ['due_on', 'id'], unique=False,
                              postgresql_where=IS_OPEN, sqlite_where=IS_OPEN)


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_due')
