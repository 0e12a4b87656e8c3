"""The stored figures (services.claimed_level, month_figures) against the level history.

After every kind of change the stored claimed level of each service and every unit's
figures at every stored month end equal what kpi's own queries compute from the history,
and the figures kpi reads (stored or not) are the same; a change rolled back leaves them as
they were.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import insert, select

from taskforce.extensions import db
from taskforce.models import ClaimStatus, LevelChange, MonthFigures, Service, UnitKind
from taskforce.services import catalog, kpi, kpi_store, measures
from taskforce.services.catalog_import import (
    apply_catalog_import,
    apply_usage_import,
    plan_catalog_import,
    plan_usage_import,
)
from tests import factories

TODAY = date(2020, 11, 15)
NOW = datetime(2020, 11, 15, 3, 0, tzinfo=UTC)
LEVEL4 = {"online_processing": True, "online_payment": True, "online_result": True}
FAR = date(9999, 12, 31)


@pytest.fixture
def world(app):
    """Two units with services listed from January 2020, a claim verified, usage."""
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2)
    s1 = factories.service(a, level=3, code="A.1")
    factories.level_change(s1, 4, date(2020, 6, 15))
    s2 = factories.service(a, level=3, code="A.2", has_fee=True)
    s3 = factories.service(a, level=4, code="A.3", listed_on=date(2020, 3, 1))
    factories.usage(s3, date(2020, 7, 1), online=3)
    t1 = factories.service(b, level=4, code="B.1")
    factories.usage(t1, date(2020, 9, 1), online=0)
    t2 = factories.service(b, level=2, code="B.2", listed_on=date(2020, 5, 10))
    db.session.commit()
    return {"a": a, "b": b, "s1": s1, "s2": s2, "s3": s3, "t1": t1, "t2": t2,
            "leader": factories.user("leader"), "member": factories.user("member")}


def history_counts(month):
    """kpi's counts from the history, and the effectiveness measure's denominator counted
    from the usage by the measure's own query (its units without data have none)."""
    reported = {row.unit_id: int(row.denominator) for row in db.session.execute(
        measures._effectiveness_units(month, min_level=4, months=3))}
    return {row.unit_id: (*(int(row._mapping[key]) for key in kpi.COUNTS),
                          reported.get(row.unit_id, 0))
            for row in db.session.execute(kpi.figures_query(month))}


def stored_counts(month):
    return {row.unit_id: tuple(getattr(row, key) for key in (*kpi.COUNTS, "level4_reported"))
            for row in db.session.scalars(select(MonthFigures)
                                          .where(MonthFigures.month_end == month))}


def latest_levels(statuses):
    latest = kpi.levels_as_of(FAR, statuses)
    return dict(db.session.execute(select(latest.c.service_id, latest.c.level)).tuples().all())


def assert_stored_as_history():
    """Every stored month and every service's stored levels equal the history's."""
    kpi_store.settle(db.session)
    db.session.expire_all()
    connection = db.session.connection()
    last = kpi_store.through(connection)
    first = db.session.scalar(select(LevelChange.effective_on)
                              .order_by(LevelChange.effective_on).limit(1))
    assert last is not None and last >= kpi_store.horizon(TODAY)
    assert db.session.scalar(select(MonthFigures.month_end)
                             .where(MonthFigures.month_end > last).limit(1)) is None
    for month in kpi_store.months(first - timedelta(days=62), last):
        assert stored_counts(month) == history_counts(month), month
    claimed = latest_levels([ClaimStatus.VERIFIED, ClaimStatus.PENDING])
    verified = latest_levels([ClaimStatus.VERIFIED])
    for service in db.session.scalars(select(Service)):
        assert service.claimed_level == claimed.get(service.id), service.code
        if service.id in verified:
            assert service.level == verified[service.id], service.code


def figures_read(as_of):
    """What kpi answers for ``as_of``: compute, each unit's, the province's, the trend."""
    province, per_unit = kpi.compute(db.session, as_of, 0.3)
    return (province, [(unit.id, fig) for unit, fig in per_unit],
            [kpi.unit_figures(db.session, unit, as_of, 0.3) for unit, _fig in per_unit],
            kpi.province_figures(db.session, as_of, 0.3),
            kpi.monthly_trend(db.session, date(2020, 1, 1), as_of))


def claim(service, actor, to_level, on, **kw):
    return catalog.claim_level(db.session, service, actor=actor, to_level=to_level,
                               effective_on=on, today=TODAY, prerequisites=LEVEL4, **kw)


def xlsx(rows):
    import io

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def pinned_today(app):
    app.config["TODAY"] = TODAY


def test_the_first_change_stores_every_month(world):
    assert_stored_as_history()
    assert kpi_store.through(db.session.connection()) == kpi_store.horizon(TODAY)


def test_claim_verification_and_return(world):
    change = claim(world["s2"], world["member"], 4, date(2020, 11, 10))
    db.session.commit()
    assert_stored_as_history()
    assert world["s2"].claimed_level == 4 and world["s2"].level == 3
    catalog.verify_claim(db.session, change, actor=world["leader"], now=NOW)
    db.session.commit()
    assert_stored_as_history()
    assert world["s2"].level == 4
    returned = claim(world["t2"], world["member"], 3, date(2020, 10, 1))
    db.session.commit()
    assert_stored_as_history()
    catalog.return_claim(db.session, returned, actor=world["leader"], reason="Thiếu minh chứng",
                         now=NOW)
    db.session.commit()
    assert_stored_as_history()
    assert world["t2"].claimed_level == 2


def test_a_backdated_catalog_import(world):
    data = xlsx([["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện", "Mức độ",
                  "Ngày đạt mức", "Có thu phí"],
                 ["A.2", "Thủ tục A.2", "Tư pháp", "Sở A", "Mức độ 4", "20/02/2020", "x"],
                 ["B.9", "Thủ tục mới", "Tư pháp", "Huyện B", "Mức độ 3", "05/04/2020", ""]])
    plan = plan_catalog_import(db.session, data, "f.xlsx", today=TODAY, verified=True)
    assert plan.errors == []
    apply_catalog_import(db.session, plan, actor=world["leader"], verified=True, today=TODAY,
                         now=NOW)
    db.session.commit()
    assert_stored_as_history()
    assert stored_counts(date(2020, 2, 29))[world["a"].id][3] == 1


def test_a_usage_import(world):
    data = xlsx([["Tháng", "Mã thủ tục", "Cơ quan thực hiện", "Tổng số hồ sơ",
                  "Hồ sơ trực tuyến", "Thanh toán trực tuyến"],
                 ["08/2020", "A.1", "Sở A", 10, 6, 2],
                 ["09/2020", "B.1", "Huyện B", 7, 7, 7]])
    plan = plan_usage_import(db.session, data, "usage.xlsx", today=TODAY)
    assert plan.errors == []
    apply_usage_import(db.session, plan, actor=None, now=NOW)
    db.session.commit()
    assert_stored_as_history()
    assert stored_counts(date(2020, 10, 31))[world["b"].id][4] == 1


def test_a_service_deactivated_moved_and_a_unit_deactivated(world):
    world["s1"].active = False
    db.session.commit()
    assert_stored_as_history()
    world["s3"].unit_id = world["b"].id
    db.session.commit()
    assert_stored_as_history()
    world["b"].active = False
    db.session.commit()
    assert_stored_as_history()
    assert world["b"].id not in stored_counts(date(2020, 9, 30))
    world["b"].active = True
    world["s1"].active = True
    db.session.commit()
    assert_stored_as_history()


def test_a_bulk_insert_through_the_session_as_the_demo_loads(world):
    db.session.execute(insert(LevelChange), [
        {"service_id": world["t2"].id, "from_level": 2, "to_level": 3,
         "effective_on": date(2020, 8, 3), "status": ClaimStatus.VERIFIED, "source": "import"},
        {"service_id": world["s2"].id, "from_level": 3, "to_level": 4,
         "effective_on": date(2020, 4, 3), "status": ClaimStatus.PENDING, "source": "claim"}])
    world["t2"].level = 3
    db.session.commit()
    assert_stored_as_history()


def test_a_rolled_back_change_leaves_the_store_as_it_was(world):
    assert_stored_as_history()

    def snapshot():
        return (db.session.execute(select(MonthFigures.__table__)
                                   .order_by(MonthFigures.month_end, MonthFigures.unit_id)).all(),
                db.session.execute(select(Service.id, Service.claimed_level)
                                   .order_by(Service.id)).all())

    before = snapshot()
    claim(world["s2"], world["member"], 4, date(2020, 11, 10))
    world["t1"].active = False
    # Read within the transaction: the store is written before it answers.
    province = kpi.compute(db.session, TODAY, 0.3)[0]
    assert (province.services, province.level4) == (4, 3)  # t1 gone, s2 claimed
    assert snapshot() != before
    db.session.rollback()
    assert snapshot() == before
    assert_stored_as_history()


@pytest.mark.parametrize("as_of", [date(2020, 8, 31), date(2020, 7, 20), TODAY,
                                   date(2020, 6, 10), date(2019, 12, 31), date(2030, 1, 1)])
def test_figures_read_are_the_same_stored_or_not(world, as_of):
    stored = figures_read(as_of)
    db.session.execute(MonthFigures.__table__.delete())
    db.session.flush()
    assert figures_read(as_of) == stored


def test_a_stored_month_is_read_in_one_statement(world, count_queries):
    kpi.compute(db.session, TODAY, 0.3)
    db.session.commit()
    # A change after the date asked (16/11) within its month: the history answers instead.
    claim(world["s2"], world["member"], 4, date(2020, 11, 15))
    db.session.commit()
    with count_queries() as stored:
        kpi.province_figures(db.session, date(2020, 10, 31), 0.3)
    with count_queries() as again:
        kpi.province_figures(db.session, date(2020, 10, 31), 0.3)
    # The stamp, then the store's answer with its check in one statement; then kept.
    assert (stored.count, again.count) == (2, 1)
    before = kpi.province_figures(db.session, date(2020, 11, 14), 0.3)
    after = kpi.province_figures(db.session, date(2020, 11, 30), 0.3)
    assert (before.level4, after.level4) == (3, 4)


@pytest.mark.parametrize("limits", [{"MAX_BOUND": 0}, {"MAX_LISTED_SERVICES": 0},
                                    {"MAX_LISTED_UNITS": 0}])
def test_a_large_change_takes_the_longer_ways_alike(world, monkeypatch, limits):
    """Past the limits of what one statement may list, the same rows are written."""
    for name, value in limits.items():
        monkeypatch.setattr(kpi_store, name, value)
    change = claim(world["s2"], world["member"], 4, date(2020, 8, 10))
    world["t1"].active = False
    db.session.commit()
    assert_stored_as_history()
    catalog.verify_claim(db.session, change, actor=world["leader"], now=NOW)
    db.session.commit()
    assert_stored_as_history()


def reorganise(world, change, from_units, *successors, on=date(2020, 10, 1), today=TODAY):
    from taskforce.services import reorganisations
    from taskforce.services.reorganisations import ReorganisationDraft

    draft = ReorganisationDraft(effective_on=on, change=change,
                                from_codes=tuple(unit.code for unit in from_units),
                                successors=tuple(successors), basis="Nghị quyết số 1")
    admin = factories.user("admin")
    reorganisations.record(db.session, [draft], actor=admin, today=today, now=NOW)
    db.session.commit()


@pytest.mark.parametrize("kind", ["merge", "split", "rename", "dissolve"])
def test_a_reorganisation_of_each_kind(world, kind):
    from taskforce.services.reorganisations import Successor

    a, b = world["a"], world["b"]
    if kind == "merge":
        reorganise(world, kind, [a, b], Successor("AB", "Huyện A-B"))
    elif kind == "split":
        reorganise(world, kind, [a], Successor("A1", "Sở A1", ("A.1", "A.3")),
                   Successor("A2", "Sở A2", ("A.2",)))
    elif kind == "rename":
        reorganise(world, kind, [b], Successor("B2", "Huyện B mới"))
    else:
        reorganise(world, kind, [b], Successor(a.code))
    assert_stored_as_history()
    # A claim after the reorganisation is stored under the successor too.
    service = db.session.scalar(select(Service).where(Service.code == "A.2"))
    claim(service, world["member"], 4, date(2020, 11, 12))
    db.session.commit()
    assert_stored_as_history()


def test_a_reorganisation_that_takes_effect_later(world):
    from taskforce.services import reorganisations
    from taskforce.services.reorganisations import Successor

    reorganise(world, "merge", [world["a"], world["b"]], Successor("AB", "Huyện A-B"),
               on=date(2020, 12, 1))
    # Until the date, the merged units' work stays where it was (applied by the job).
    reorganisations.apply_due(db.session, today=date(2020, 12, 1), now=NOW)
    db.session.commit()
    assert_stored_as_history()
