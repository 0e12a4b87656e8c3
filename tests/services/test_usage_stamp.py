"""The usage stamp: the dossier measures' sums are kept across a change of levels, and
computed again after any change that can move them.

A claim, a verification or a return replaces the catalog's stamp and leaves the usage stamp
as it was, so the usage (a million rows at national size) is not read again; a usage figure,
a service moved, given a fee or deactivated, a unit changed, replaces both. Whatever was
kept, the figures equal those computed afresh.
"""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from taskforce.extensions import db
from taskforce.models import Role, Service, ServiceUsage
from taskforce.services import catalog, kpi_cache, measures
from tests import factories

TODAY = date(2020, 11, 15)
NOW = datetime(2020, 11, 15, 3, 0, tzinfo=UTC)
LEVEL4 = {"online_processing": True, "online_payment": True, "online_result": True}
ENDS = (date(2020, 9, 30), date(2020, 10, 31), TODAY)
DOSSIERS = ("online_dossiers", "paid_online", "digitised")
USAGE_SUMS = "sum(service_usage.dossiers_online)"


@pytest.fixture(autouse=True)
def pinned_today(app):
    app.config["TODAY"] = TODAY


@pytest.fixture
def world(app):
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Sở B", display_order=2)
    s1 = factories.service(a, level=3, has_fee=True)
    s2 = factories.service(a, level=4)
    t1 = factories.service(b, level=4, has_fee=False)
    for month in (date(2020, 9, 1), date(2020, 10, 1), date(2020, 11, 1)):
        factories.usage(s1, month, total=10, online=4, paid_online=2, digitised=5)
        factories.usage(s2, month, total=20, online=15, paid_online=0)
        factories.usage(t1, month, total=30, online=3, paid_online=3, digitised=30)
    db.session.commit()
    return {"a": a, "b": b, "s1": s1, "s2": s2, "t1": t1,
            "leader": factories.user(Role.LEADER), "member": factories.user(Role.MEMBER)}


def stamps():
    return (kpi_cache.stamp(db.session), kpi_cache.stamp(db.session, kpi_cache.USAGE_STAMP_KEY))


def figures(count_queries):
    """Every measure's unit values and series, and how many statements summed the usage."""
    db.session.expire_all()
    with count_queries() as queries:
        found = [(result.units, result.overall, points) for result, points in
                 measures.compute_many(db.session, [(name, {}) for name in measures.MEASURES],
                                       TODAY, ENDS)]
    return found, sum(USAGE_SUMS in statement for statement in queries.statements)


def fresh():
    """The same figures with nothing kept: under stamps no worker has seen."""
    db.session.expire_all()
    kpi_cache.new_stamp(db.session.connection())
    return [(result.units, result.overall, points) for result, points in
            measures.compute_many(db.session, [(name, {}) for name in measures.MEASURES],
                                  TODAY, ENDS)]


def test_a_claim_verification_and_return_keep_the_usage_sums(world, count_queries):
    _first, summed = figures(count_queries)
    assert summed == 2  # the months' sums for the series, the units' for the window
    catalog_stamp, usage_stamp = stamps()

    change = catalog.claim_level(db.session, world["s1"], actor=world["member"], to_level=4,
                                 effective_on=date(2020, 11, 10), today=TODAY,
                                 prerequisites=LEVEL4)
    db.session.commit()
    assert stamps()[0] != catalog_stamp and stamps()[1] == usage_stamp
    catalog.verify_claim(db.session, change, actor=world["leader"], now=NOW)
    db.session.commit()
    assert stamps()[1] == usage_stamp
    after, summed = figures(count_queries)
    assert summed == 0
    returned = catalog.claim_level(db.session, world["t1"], actor=world["member"], to_level=3,
                                   effective_on=date(2020, 11, 1), today=TODAY)
    db.session.commit()
    catalog.return_claim(db.session, returned, actor=world["leader"], reason="Thiếu hồ sơ",
                         now=NOW)
    db.session.commit()
    assert stamps()[1] == usage_stamp
    # The verification moved effectiveness (s1 now counts at level 4, with online dossiers),
    # and every figure equals the one computed afresh.
    effectiveness = list(measures.MEASURES).index("effectiveness")
    assert after[effectiveness][1] == measures.Value(3, 3)
    assert after == fresh()


@pytest.mark.parametrize("change", [
    "usage", "usage_edit", "fee", "moved", "deactivated", "unit", "bulk_fee",
])
def test_a_change_the_usage_sums_read_replaces_the_usage_stamp(world, count_queries, change):
    figures(count_queries)
    usage_stamp = stamps()[1]
    if change == "usage":
        factories.usage(world["s2"], date(2020, 8, 1), total=50, online=50)
    elif change == "usage_edit":
        row = db.session.scalars(
            db.select(ServiceUsage).where(ServiceUsage.service_id == world["t1"].id)).first()
        row.dossiers_online = 30
    elif change == "fee":
        world["s2"].has_fee = True
    elif change == "moved":
        world["s1"].unit_id = world["b"].id
    elif change == "deactivated":
        world["t1"].active = False
    elif change == "unit":
        world["b"].active = False
    elif change == "bulk_fee":
        db.session.execute(update(Service).where(Service.id == world["t1"].id)
                           .values(has_fee=True))
    db.session.commit()
    assert stamps()[1] != usage_stamp
    after, summed = figures(count_queries)
    assert summed == 2
    assert after == fresh()


def test_a_bulk_change_of_levels_keeps_the_usage_stamp(world):
    usage_stamp = stamps()[1]
    catalog_stamp = stamps()[0]
    db.session.execute(update(Service).where(Service.id == world["s1"].id).values(level=4))
    db.session.commit()
    assert stamps()[0] != catalog_stamp and stamps()[1] == usage_stamp
