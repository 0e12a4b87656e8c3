"""Fenced delivery: each claim of outbox messages carries a random token, a sender confirms it
still holds a message just before sending it, and a message that may have reached the server
twice is marked so.

``claim_token`` names the delivery pass that holds a 'sending' message; ``send_started_at`` is
set by that pass's last check before it hands the message to the server and cleared with the
outcome; a message taken back from an expired claim after that check (its sender stopped
between the server's acceptance and the commit) gets ``possibly_duplicate``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:30:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('send_started_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('possibly_duplicate', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('possibly_duplicate', existing_type=sa.Boolean(),
                              server_default=None)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('possibly_duplicate')
        batch_op.drop_column('send_started_at')
        batch_op.drop_column('claim_token')
