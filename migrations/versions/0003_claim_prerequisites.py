"""The level-4 checklist ticked by a claimant, kept on the claim.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 22:48:18.706080

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('level_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prerequisites', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('level_changes', schema=None) as batch_op:
        batch_op.drop_column('prerequisites')

