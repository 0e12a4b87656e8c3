"""Plans with their indicators and dated targets; digitised dossiers in the monthly usage.

The digitised count is NULL where a unit's sheet did not give it: a measure then says "no
data" for that unit rather than 0 %.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 03:00:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('basis_number', sa.String(length=100), nullable=True),
        sa.Column('basis_date', sa.Date(), nullable=True),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
        sa.UniqueConstraint('code', name=op.f('uq_plans_code')),
    )
    op.create_table(
        'plan_indicators',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('measure', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['plan_id'], ['plans.id'],
                                name=op.f('fk_plan_indicators_plan_id_plans'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_indicators')),
        sa.UniqueConstraint('plan_id', 'code', name=op.f('uq_plan_indicators_plan_id_code')),
    )
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_indicators_plan_id'), ['plan_id'],
                              unique=False)
    op.create_table(
        'plan_milestones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('target_value', sa.Float(), nullable=False),
        sa.Column('target_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['plan_indicators.id'],
                                name=op.f('fk_plan_milestones_indicator_id_plan_indicators'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_milestones')),
        sa.UniqueConstraint('indicator_id', 'target_on',
                            name=op.f('uq_plan_milestones_indicator_id_target_on')),
    )
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_milestones_indicator_id'), ['indicator_id'],
                              unique=False)
    with op.batch_alter_table('service_usage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dossiers_digitised', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('service_usage', schema=None) as batch_op:
        batch_op.drop_column('dossiers_digitised')
    with op.batch_alter_table('plan_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_milestones_indicator_id'))
    op.drop_table('plan_milestones')
    with op.batch_alter_table('plan_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_indicators_plan_id'))
    op.drop_table('plan_indicators')
    op.drop_table('plans')
