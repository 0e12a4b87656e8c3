"""Webhooks: subscriptions (URL, secret, events, paused) and the outbox's link to one.

A webhook delivery is an outbox row of kind "webhook" whose ``webhook_id`` names the
subscription; it is signed when it is sent, with the subscription's secret.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'webhook_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('url', sa.String(length=254), nullable=False),
        sa.Column('secret', sa.String(length=128), nullable=False),
        sa.Column('events', sa.String(length=500), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('paused_at', UTCDateTime(), nullable=True),
        sa.Column('counted_from', UTCDateTime(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_subscriptions')),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_webhook_id'), ['webhook_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_webhook_id_webhook_subscriptions'),
                                    'webhook_subscriptions', ['webhook_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_webhook_id_webhook_subscriptions'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_webhook_id'))
        batch_op.drop_column('webhook_id')
    op.drop_table('webhook_subscriptions')
