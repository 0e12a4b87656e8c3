"""Units with a life: tiers, start and end dates, predecessors and reorganisation events.

The units known before keep no dates (they exist at every date). Every service gets its
first span in ``service_units``: its present unit from the start of its history (its first
level change, or the day it was added). The unique (code, unit) of services goes: a merger of
two districts gives the new unit both districts' services of one national code.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:10:00

"""
import sqlalchemy as sa
from alembic import op

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_services_code_unit_id'), type_='unique')
    op.create_table(
        'reorganisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('change', sa.String(length=20), nullable=False),
        sa.Column('basis', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', UTCDateTime(), nullable=False),
        sa.Column('applied_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_reorganisations_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reorganisations')),
    )
    op.create_index(op.f('ix_reorganisations_effective_on'), 'reorganisations',
                    ['effective_on'], unique=False)
    op.create_table(
        'reorganisation_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reorganisation_id', sa.Integer(), nullable=False),
        sa.Column('from_unit_id', sa.Integer(), nullable=False),
        sa.Column('to_unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'],
                                name=op.f('fk_reorganisation_links_from_unit_id_units')),
        sa.ForeignKeyConstraint(['reorganisation_id'], ['reorganisations.id'],
                                name=op.f('fk_reorganisation_links_reorganisation_id_'
                                          'reorganisations')),
        sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'],
                                name=op.f('fk_reorganisation_links_to_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reorganisation_links')),
    )
    for column in ('from_unit_id', 'reorganisation_id', 'to_unit_id'):
        op.create_index(op.f(f'ix_reorganisation_links_{column}'), 'reorganisation_links',
                        [column], unique=False)
    op.create_table(
        'split_assignments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reorganisation_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('to_unit_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['reorganisation_id'], ['reorganisations.id'],
                                name=op.f('fk_split_assignments_reorganisation_id_'
                                          'reorganisations')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_split_assignments_service_id_services')),
        sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'],
                                name=op.f('fk_split_assignments_to_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_split_assignments')),
    )
    for column in ('reorganisation_id', 'service_id'):
        op.create_index(op.f(f'ix_split_assignments_{column}'), 'split_assignments',
                        [column], unique=False)
    op.create_table(
        'service_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('reorganisation_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['reorganisation_id'], ['reorganisations.id'],
                                name=op.f('fk_service_units_reorganisation_id_reorganisations')),
        sa.ForeignKeyConstraint(['service_id'], ['services.id'],
                                name=op.f('fk_service_units_service_id_services')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_service_units_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_units')),
    )
    op.create_index('ix_service_units_service_started', 'service_units',
                    ['service_id', 'started_on'], unique=False)
    op.create_index(op.f('ix_service_units_unit_id'), 'service_units', ['unit_id'],
                    unique=False)
    op.create_index(op.f('ix_service_units_reorganisation_id'), 'service_units',
                    ['reorganisation_id'], unique=False)
    _first_spans()


def _first_spans():
    """Each service's present unit from the start of its history."""
    services = sa.table('services', sa.column('id'), sa.column('unit_id'),
                        sa.column('created_at'))
    changes = sa.table('level_changes', sa.column('service_id'), sa.column('effective_on'))
    spans = sa.table('service_units', sa.column('service_id'), sa.column('unit_id'),
                     sa.column('started_on'))
    added_on = (sa.func.date(services.c.created_at) if op.get_bind().dialect.name == 'sqlite'
                else sa.cast(services.c.created_at, sa.Date))
    first_change = (sa.select(sa.func.min(changes.c.effective_on))
                    .where(changes.c.service_id == services.c.id).scalar_subquery())
    op.execute(spans.insert().from_select(
        ['service_id', 'unit_id', 'started_on'],
        sa.select(services.c.id, services.c.unit_id, sa.func.coalesce(first_change, added_on))))


def downgrade():
    op.drop_index(op.f('ix_service_units_reorganisation_id'), table_name='service_units')
    op.drop_index(op.f('ix_service_units_unit_id'), table_name='service_units')
    op.drop_index('ix_service_units_service_started', table_name='service_units')
    op.drop_table('service_units')
    for column in ('reorganisation_id', 'service_id'):
        op.drop_index(op.f(f'ix_split_assignments_{column}'), table_name='split_assignments')
    op.drop_table('split_assignments')
    for column in ('from_unit_id', 'reorganisation_id', 'to_unit_id'):
        op.drop_index(op.f(f'ix_reorganisation_links_{column}'),
                      table_name='reorganisation_links')
    op.drop_table('reorganisation_links')
    op.drop_index(op.f('ix_reorganisations_effective_on'), table_name='reorganisations')
    op.drop_table('reorganisations')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_services_code_unit_id'),
                                          ['code', 'unit_id'])
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('ended_on')
        batch_op.drop_column('started_on')
