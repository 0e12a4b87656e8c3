"""Stored levels: each service's current claimed level, and the month-end figures per unit.

``services.claimed_level`` is filled here from the level history (plain SQL). The month-end
figures (``month_figures``) are left empty: they are written by the application's own
queries (services/kpi_store.py), at the first change after the upgrade or, better on a large
catalog, right after ``flask db upgrade`` by ``flask kpi rebuild``. Until then the figures are
read from the history as before.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 09:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_level', sa.Integer(), nullable=True))
    op.create_index('ix_level_changes_effective_on', 'level_changes', ['effective_on'],
                    unique=False)
    op.create_table(
        'month_figures',
        sa.Column('month_end', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('services', sa.Integer(), nullable=False),
        sa.Column('level3', sa.Integer(), nullable=False),
        sa.Column('level4', sa.Integer(), nullable=False),
        sa.Column('level4_verified', sa.Integer(), nullable=False),
        sa.Column('effective4', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_month_figures_unit_id_units'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('month_end', 'unit_id', name=op.f('pk_month_figures')),
    )
    op.create_index(op.f('ix_month_figures_unit_id'), 'month_figures', ['unit_id'], unique=False)
    # The latest verified or pending change of each service (latest date, then latest row).
    op.execute(
        "UPDATE services SET claimed_level = ("
        " SELECT lc.to_level FROM level_changes lc"
        " WHERE lc.service_id = services.id AND lc.status IN ('verified', 'pending')"
        " ORDER BY lc.effective_on DESC, lc.id DESC LIMIT 1)")


def downgrade():
    op.drop_index(op.f('ix_month_figures_unit_id'), table_name='month_figures')
    op.drop_table('month_figures')
    op.drop_index('ix_level_changes_effective_on', table_name='level_changes')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_column('claimed_level')
