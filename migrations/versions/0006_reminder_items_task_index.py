"""Drop the index of reminder items by task: the unique key, which starts with the task, serves.

Every item the planning pass writes maintained both; tens of thousands a day at national size.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 02:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reminder_items', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_items_task_id')


def downgrade():
    with op.batch_alter_table('reminder_items', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_items_task_id', ['task_id'], unique=False)
