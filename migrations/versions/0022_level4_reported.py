"""Stored month figures: the effectiveness measure's denominator.

``month_figures.level4_reported`` holds a unit's services verified at level 4 when it has
usage imported in the three months to the month end (else 0), so that the dashboard's
effectiveness indicator reads the stored months instead of the million usage rows after
every claim.

The stored rows are filled here, month by month, as ``kpi_queries.figures_query`` counts it
(a unit with an effective service has data; one without verified level-4 services counts 0;
the others are asked whether an active service of theirs has usage in the window). That is
exact while no reorganisation has moved a service, since every service then counts for its
present unit. A database with a reorganisation recorded has its stored rows emptied instead:
its figures are read from the history until ``flask kpi rebuild`` writes them again.

A database whose figures are kept under the catalog's stamp gets the usage stamp too, under
which each worker keeps the usage's sums across changes of levels (``kpi_cache``).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 12:40:00

"""
import uuid
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op
from dateutil.relativedelta import relativedelta

from taskforce.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

FILL = sa.text("""
UPDATE month_figures SET level4_reported = CASE
    WHEN effective4 > 0 THEN level4_verified
    WHEN level4_verified = 0 THEN 0
    WHEN EXISTS (
        SELECT 1 FROM service_usage JOIN services ON services.id = service_usage.service_id
        WHERE services.unit_id = month_figures.unit_id AND services.active = :active
          AND service_usage.month >= :start AND service_usage.month <= :month_end)
    THEN level4_verified
    ELSE 0 END
WHERE month_end = :month_end
""")


SETTINGS = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.JSON),
                    sa.column("updated_at", UTCDateTime))


def _add_usage_stamp(connection):
    keys = set(connection.execute(sa.select(SETTINGS.c.key).where(
        SETTINGS.c.key.in_(["kpi.data_stamp", "kpi.usage_stamp"]))).scalars())
    if keys == {"kpi.data_stamp"}:
        connection.execute(SETTINGS.insert().values(
            key="kpi.usage_stamp", value=uuid.uuid4().hex, updated_at=datetime.now(UTC)))


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def upgrade():
    with op.batch_alter_table('month_figures') as batch_op:
        batch_op.add_column(sa.Column('level4_reported', sa.Integer(), server_default='0',
                                      nullable=False))
    connection = op.get_bind()
    _add_usage_stamp(connection)
    reorganised = connection.execute(sa.text(
        "SELECT 1 FROM service_units WHERE reorganisation_id IS NOT NULL")).first()
    if reorganised is not None:
        connection.execute(sa.text("DELETE FROM month_figures"))
        return
    months = connection.execute(sa.text("SELECT DISTINCT month_end FROM month_figures")).all()
    for (value,) in months:
        month_end = _as_date(value)
        start = date(month_end.year, month_end.month, 1) - relativedelta(months=2)
        connection.execute(FILL, {"active": True, "start": start, "month_end": month_end})


def downgrade():
    op.get_bind().execute(SETTINGS.delete().where(SETTINGS.c.key == "kpi.usage_stamp"))
    with op.batch_alter_table('month_figures') as batch_op:
        batch_op.drop_column('level4_reported')
