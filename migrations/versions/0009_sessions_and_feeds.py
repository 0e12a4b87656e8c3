"""Authenticator codes used once, wrong codes counted per account, revocable unit feeds.

A user keeps the time-step of the last authenticator code accepted (a code whose step is not
newer is refused) and a count of wrong codes that locks the account like wrong passwords.
A unit's calendar feed is found by a random token stored on the unit, no longer by an HMAC
of its id: every existing unit gets its own token here, and the old addresses stop working.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 09:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_codes', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('failed_codes', existing_type=sa.Integer(), server_default=None)

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_token', sa.String(length=64), nullable=True))
    units = sa.table('units', sa.column('id', sa.Integer()),
                     sa.column('feed_token', sa.String(length=64)))
    connection = op.get_bind()
    tokens = [{'unit': ident, 'token': secrets.token_urlsafe(24)}
              for ident in connection.execute(sa.select(units.c.id)).scalars()]
    if tokens:
        connection.execute(units.update().where(units.c.id == sa.bindparam('unit'))
                           .values(feed_token=sa.bindparam('token')), tokens)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.alter_column('feed_token', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_units_feed_token'), ['feed_token'])


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_units_feed_token'), type_='unique')
        batch_op.drop_column('feed_token')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('failed_codes')
