"""The outbox index in the delivery pass's order: state, next try, then id.

Messages queued together share their next-try time; with the id in the index the pass
takes the first ones in index order instead of sorting every due message at each claim.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_next')
        batch_op.create_index('ix_outbox_state_next', ['state', 'next_attempt_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_state_next')
        batch_op.create_index('ix_outbox_state_next', ['state', 'next_attempt_at'], unique=False)
