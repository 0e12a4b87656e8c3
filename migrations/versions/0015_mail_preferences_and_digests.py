"""Workflow e-mail: each address's language and delivery choice (mail_preferences), and the
e-mails kept for an address's daily digest (mail_digest_entries).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 07:00:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_preferences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=8), nullable=True),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_preferences')),
        sa.UniqueConstraint('address', name=op.f('uq_mail_preferences_address')),
    )
    op.create_table(
        'mail_digest_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('locale', sa.String(length=8), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=True),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_mail_digest_entries_outbox_id_outbox'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['task_id'], ['tasks.id'],
                                name=op.f('fk_mail_digest_entries_task_id_tasks'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_mail_digest_entries_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest_entries')),
    )
    op.create_index('ix_mail_digest_entries_pending', 'mail_digest_entries',
                    ['outbox_id', 'address'], unique=False)


def downgrade():
    op.drop_index('ix_mail_digest_entries_pending', table_name='mail_digest_entries')
    op.drop_table('mail_digest_entries')
    op.drop_table('mail_preferences')
