"""The 766 scorecard: score tables per period and unit.

One table per period (kind and first day, unique), re-imported by replacing it; one row per
unit with the six groups, the total, the national rank and the portal's ids; the province's own
row has no unit.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 09:10:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'score_tables',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_kind', sa.String(length=10), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('imported_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['users.id'],
                                name=op.f('fk_score_tables_imported_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_score_tables')),
        sa.UniqueConstraint('period_kind', 'period_start',
                            name=op.f('uq_score_tables_period_kind_period_start')),
    )
    with op.batch_alter_table('score_tables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_tables_period_start'), ['period_start'],
                              unique=False)
    groups = [sa.Column(name, sa.Float(), nullable=False)
              for name in ('ckmb', 'tdgq', 'clgq', 'tttt', 'mdsh', 'mdhl', 'total')]
    op.create_table(
        'score_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('table_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('is_province', sa.Boolean(), nullable=False),
        sa.Column('portal_id', sa.String(length=60), nullable=False),
        sa.Column('portal_unit_id', sa.String(length=60), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('unit_type', sa.String(length=20), nullable=False),
        sa.Column('tier_id', sa.String(length=20), nullable=False),
        *groups,
        sa.Column('national_rank', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['table_id'], ['score_tables.id'],
                                name=op.f('fk_score_rows_table_id_score_tables'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_score_rows_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_score_rows')),
        sa.UniqueConstraint('table_id', 'unit_id', name=op.f('uq_score_rows_table_id_unit_id')),
    )
    with op.batch_alter_table('score_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_rows_table_id'), ['table_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_rows_unit_id'), ['unit_id'], unique=False)


def downgrade():
    op.drop_table('score_rows')
    op.drop_table('score_tables')
