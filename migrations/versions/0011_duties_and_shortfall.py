"""Separation of duties and acceptance with a shortfall: who reported a task done, and why
an upgrade task was accepted with services not yet verified at the target level.

``tasks.reported_by_id`` names whoever last reported the task done (taken here from the
timeline for existing tasks); that person may not accept it. ``tasks.shortfall_reason`` is
set when the leadership accepted an upgrade task with some of its services not verified at
level 4: such a task counts apart ("done with a shortfall"), never as done on time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 06:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shortfall_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tasks_reported_by_id_users'), 'users',
                                    ['reported_by_id'], ['id'])
    tasks = sa.table('tasks', sa.column('id', sa.Integer()),
                     sa.column('reported_by_id', sa.Integer()))
    updates = sa.table('status_updates', sa.column('id', sa.Integer()),
                       sa.column('task_id', sa.Integer()), sa.column('author_id', sa.Integer()),
                       sa.column('created_at', sa.DateTime()),
                       sa.column('status_to', sa.String(20)))
    # The author of each task's latest report (the latest "reported" entry of its timeline).
    latest = (sa.select(updates.c.author_id).where(updates.c.task_id == tasks.c.id,
                                                   updates.c.status_to == 'reported')
              .order_by(updates.c.created_at.desc(), updates.c.id.desc()).limit(1)
              .scalar_subquery())
    op.get_bind().execute(tasks.update().values(reported_by_id=latest))


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_reported_by_id_users'), type_='foreignkey')
        batch_op.drop_column('shortfall_reason')
        batch_op.drop_column('reported_by_id')
