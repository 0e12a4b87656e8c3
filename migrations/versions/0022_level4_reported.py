"""Stored month figures: the effectiveness measure's denominator.

``month_figures.level4_reported`` holds a unit's services verified at level 4 when it has
usage imported in the three months to the month end (else 0), so that the dashboard's
effectiveness indicator reads the stored months instead of the million usage rows after
every claim. The stored rows are emptied, since their new column is not known yet: the
figures are read from the history until the stored months are written again, by
``flask kpi rebuild`` (advised after the upgrade) or the first change to the catalog.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("DELETE FROM month_figures"))
    with op.batch_alter_table('month_figures') as batch_op:
        batch_op.add_column(sa.Column('level4_reported', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('month_figures') as batch_op:
        batch_op.drop_column('level4_reported')
