"""The KPI functions against figures computed by hand, at several dates."""

from datetime import date

import pytest
from sqlalchemy import insert, select, text

from taskforce.extensions import db
from taskforce.models import ClaimStatus, LevelChange, Unit, UnitKind
from taskforce.services import kpi, kpi_cache, settings
from taskforce.services.errors import DomainError
from tests import factories

JAN1 = date(2020, 1, 1)


@pytest.fixture
def catalog(app):
    """Two units with a level history, one unit without services, one inactive unit.

    Sở A: s1 3→4 verified on 15/06; s2 3, claim to 4 pending from 01/07; s3 4 with online
    dossiers in 07/2020; s4 2 listed 01/03; s5 3 listed 01/09; s6 3, claim to 4 returned.
    Huyện B: t1 4; t2 3; an inactive level-4 service. Sở C: nothing. Sở D (inactive): a 4.
    """
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2)
    c = factories.unit("Sở C", display_order=3)
    d = factories.unit("Sở D", display_order=4, active=False)
    s1 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(s1, 4, date(2020, 6, 15))
    s2 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(s2, 4, date(2020, 7, 1), status=ClaimStatus.PENDING)
    s3 = factories.service(a, level=4, listed_on=JAN1)
    factories.usage(s3, date(2020, 4, 1), total=5, online=0)
    factories.usage(s3, date(2020, 7, 1), total=5, online=3)
    factories.service(a, level=2, listed_on=date(2020, 3, 1))
    factories.service(a, level=3, listed_on=date(2020, 9, 1))
    s6 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(s6, 4, date(2020, 5, 1), status=ClaimStatus.RETURNED)
    t1 = factories.service(b, level=4, listed_on=JAN1)
    factories.usage(t1, date(2020, 7, 1), total=5, online=0)
    factories.service(b, level=3, listed_on=JAN1)
    factories.service(b, level=4, listed_on=JAN1, active=False)
    factories.service(d, level=4, listed_on=JAN1)
    db.session.commit()
    return {"a": a, "b": b, "c": c}


def by_name(per_unit):
    return {unit.name: fig for unit, fig in per_unit}


def counts(fig):
    return (fig.services, fig.level3, fig.level4, fig.level4_verified, fig.effective4,
            fig.to_target)


# (as_of, Sở A, Huyện B, province) as (services, level3, level4, level4_verified,
# effective4, to_target) with a 30 % target.
CASES = [
    (date(2019, 12, 31), (0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0)),
    (date(2020, 5, 31), (5, 3, 1, 1, 0, 1), (2, 1, 1, 1, 0, 0), (7, 4, 2, 2, 0, 1)),
    (date(2020, 6, 14), (5, 3, 1, 1, 0, 1), (2, 1, 1, 1, 0, 0), (7, 4, 2, 2, 0, 1)),
    (date(2020, 6, 15), (5, 2, 2, 2, 0, 0), (2, 1, 1, 1, 0, 0), (7, 3, 3, 3, 0, 0)),
    (date(2020, 7, 31), (5, 2, 3, 2, 1, 0), (2, 1, 1, 1, 0, 0), (7, 3, 4, 3, 1, 0)),
    (date(2020, 9, 30), (6, 3, 3, 2, 1, 0), (2, 1, 1, 1, 0, 0), (8, 4, 4, 3, 1, 0)),
    (date(2020, 10, 31), (6, 3, 3, 2, 0, 0), (2, 1, 1, 1, 0, 0), (8, 4, 4, 3, 0, 0)),
]


@pytest.mark.parametrize(("as_of", "unit_a", "unit_b", "total"), CASES)
def test_compute_matches_hand_figures(catalog, as_of, unit_a, unit_b, total):
    province, per_unit = kpi.compute(db.session, as_of, 0.30)
    figures = by_name(per_unit)
    assert counts(figures["Sở A"]) == unit_a
    assert counts(figures["Huyện B"]) == unit_b
    assert counts(figures["Sở C"]) == (0, 0, 0, 0, 0, 0)
    assert "Sở D" not in figures
    assert counts(province) == total
    assert counts(kpi.province_figures(db.session, as_of, 0.30)) == total


def test_shares_verified_and_claimed(catalog):
    province, per_unit = kpi.compute(db.session, date(2020, 7, 31), 0.30)
    a = by_name(per_unit)["Sở A"]
    assert a.share == pytest.approx(3 / 5)
    assert a.share_verified == pytest.approx(2 / 5)
    assert a.effective_share == pytest.approx(1 / 2)
    assert province.share == pytest.approx(4 / 7)
    assert province.share_verified == pytest.approx(3 / 7)
    assert by_name(per_unit)["Sở C"].share == 0.0


def test_to_target_counts_verified_services_still_needed(catalog):
    province, per_unit = kpi.compute(db.session, date(2020, 9, 30), 0.50)
    figures = by_name(per_unit)
    assert figures["Sở A"].to_target == 1  # 6 services: 3 needed, 2 verified
    assert figures["Huyện B"].to_target == 0
    assert province.to_target == 1  # 8 services: 4 needed, 3 verified


@pytest.mark.parametrize("target", [0.0, 0.1, 0.3, 0.5, 1.0])
def test_to_target_is_never_negative(catalog, target):
    province, per_unit = kpi.compute(db.session, date(2020, 7, 31), target)
    assert province.to_target >= 0
    assert all(fig.to_target >= 0 for _, fig in per_unit)


def test_exact_target_needs_nothing_more(app):
    unit = factories.unit()
    for level in (4, 4, 4, 3, 3, 3, 3, 3, 3, 3):
        factories.service(unit, level=level)
    province = kpi.province_figures(db.session, date(2020, 2, 1), 0.30)
    assert (province.services, province.level4_verified, province.to_target) == (10, 3, 0)


def test_a_later_change_on_the_same_day_wins(app):
    unit = factories.unit()
    service = factories.service(unit, level=3)
    factories.level_change(service, 4, date(2020, 8, 1))
    factories.level_change(service, 3, date(2020, 8, 1))
    province = kpi.province_figures(db.session, date(2020, 8, 1), 0.30)
    assert (province.level3, province.level4_verified) == (1, 0)


def test_target_defaults_to_the_setting(catalog):
    settings.put(db.session, "target_share", 0.5)
    assert kpi.province_figures(db.session, date(2020, 9, 30)).to_target == 1
    assert kpi.as_json(db.session, date(2020, 9, 30))["target"] == 0.5


def test_compute_costs_the_same_queries_whatever_the_units(catalog, count_queries):
    for n in range(10):
        factories.service(factories.unit(f"Sở thêm {n}"), level=4)
    db.session.commit()
    # The stamp, the counts of every unit, the units; then the counts are kept.
    with count_queries() as first:
        kpi.compute(db.session, date(2020, 7, 31), 0.30)
    with count_queries() as again:
        kpi.compute(db.session, date(2020, 7, 31), 0.30)
    assert first.count == 3
    assert again.count == 2


def test_kept_figures_follow_every_change_of_the_catalog(catalog):
    day = date(2020, 7, 31)
    first = counts(by_name(kpi.compute(db.session, day, 0.30)[1])["Sở C"])
    assert first == (0, 0, 0, 0, 0, 0)
    unit_c = db.session.scalar(select(Unit).where(Unit.name == "Sở C"))
    service = factories.service(unit_c, level=3, listed_on=JAN1)  # through the session
    db.session.commit()
    assert counts(by_name(kpi.compute(db.session, day, 0.30)[1])["Sở C"]) == (1, 1, 0, 0, 0, 1)
    db.session.execute(insert(LevelChange), [{  # an ORM bulk statement
        "service_id": service.id, "from_level": 3, "to_level": 4, "effective_on": JAN1,
        "status": ClaimStatus.VERIFIED, "source": "import"}])
    db.session.commit()
    assert counts(by_name(kpi.compute(db.session, day, 0.30)[1])["Sở C"]) == (1, 0, 1, 1, 0, 0)
    # SQL written by hand goes around the session: the writer replaces the stamp itself.
    db.session.execute(text("UPDATE services SET active = :no WHERE id = :id"),
                       {"no": False, "id": service.id})
    kpi_cache.touch(db.session.connection())
    db.session.commit()
    assert "Sở C" not in {unit.name for unit, fig in kpi.compute(db.session, day)[1]
                          if fig.services}


def test_another_worker_sees_the_change(catalog, make_app):
    day = date(2020, 7, 31)
    other = make_app()
    with other.app_context():
        before = kpi.province_figures(db.session, day, 0.30).services
    unit_c = db.session.scalar(select(Unit).where(Unit.name == "Sở C"))
    factories.service(unit_c, level=3, listed_on=JAN1)
    db.session.commit()
    with other.app_context():
        assert kpi.province_figures(db.session, day, 0.30).services == before + 1


def test_figures_of_a_transaction_rolled_back_are_not_kept(catalog):
    day = date(2020, 7, 31)
    before = kpi.province_figures(db.session, day, 0.30).services
    factories.service(db.session.scalar(select(Unit).where(Unit.name == "Sở C")), level=3,
                      listed_on=JAN1)
    assert kpi.province_figures(db.session, day, 0.30).services == before + 1  # unflushed
    db.session.rollback()
    assert kpi.province_figures(db.session, day, 0.30).services == before


def test_as_json_shape_and_types(catalog):
    data = kpi.as_json(db.session, date(2020, 7, 31), 0.30)
    assert set(data) == {"as_of", "target", "province", "units"}
    assert data["as_of"] == "2020-07-31"
    assert data["target"] == 0.30
    keys = {"services", "level3", "level4", "level4_verified", "share", "share_verified",
            "to_target"}
    assert set(data["province"]) == keys
    assert data["province"]["share_verified"] == 0.4286
    assert [u["name"] for u in data["units"]] == ["Sở A", "Huyện B", "Sở C"]
    assert data["units"][1]["kind"] == "district"
    for figures in [data["province"], *data["units"]]:
        assert set(figures) >= keys
        for key in ("services", "level3", "level4", "level4_verified", "to_target"):
            assert type(figures[key]) is int
        for key in ("share", "share_verified"):
            assert type(figures[key]) is float


def test_month_ends():
    assert kpi.month_ends(date(2020, 1, 15), date(2020, 3, 31)) == [
        date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)]
    assert kpi.month_ends(date(2020, 11, 1), date(2021, 1, 10)) == [
        date(2020, 11, 30), date(2020, 12, 31), date(2021, 1, 10)]
    assert kpi.month_ends(date(2020, 5, 3), date(2020, 5, 3)) == [date(2020, 5, 3)]
    assert kpi.month_ends(date(2020, 5, 3), date(2020, 5, 2)) == []


def test_monthly_trend(catalog):
    points = kpi.monthly_trend(db.session, date(2020, 4, 15), date(2020, 7, 20))
    assert [p.on for p in points] == [date(2020, 4, 30), date(2020, 5, 31), date(2020, 6, 30),
                                      date(2020, 7, 20)]
    assert [round(p.share_verified, 4) for p in points] == [0.2857, 0.2857, 0.4286, 0.4286]
    assert [round(p.share_claimed, 4) for p in points] == [0.2857, 0.2857, 0.4286, 0.5714]
    assert all(type(p.share_verified) is float and type(p.share_claimed) is float
               for p in points)


def test_monthly_trend_agrees_with_compute(catalog):
    points = kpi.monthly_trend(db.session, date(2019, 11, 1), date(2020, 10, 31))
    assert points[0].share_verified == 0.0
    for point in points:
        province = kpi.province_figures(db.session, point.on, 0.30)
        assert point.share_verified == pytest.approx(province.share_verified)
        assert point.share_claimed == pytest.approx(province.share)


def test_monthly_trend_is_one_query_then_kept(catalog, count_queries):
    db.session.commit()
    with count_queries() as first:
        kpi.monthly_trend(db.session, date(2019, 1, 1), date(2020, 12, 31))
    with count_queries() as again:
        kpi.monthly_trend(db.session, date(2019, 1, 1), date(2020, 12, 31))
    assert first.count == 2  # the stamp, the trend
    assert again.count == 1


def test_monthly_trend_refuses_decades(app):
    with pytest.raises(DomainError):
        kpi.monthly_trend(db.session, date(2000, 1, 1), date(2020, 12, 31))


@pytest.fixture
def laggards(catalog):
    e = factories.unit("Huyện E", kind=UnitKind.DISTRICT, display_order=5)
    f = factories.unit("Sở F", display_order=6)
    for _ in range(10):
        factories.service(e, level=3)
    for _ in range(4):
        factories.service(f, level=3)
    db.session.commit()
    return catalog


def test_ranking_puts_the_furthest_behind_first(laggards):
    ranked = kpi.ranking(db.session, date(2020, 5, 31), 0.30)
    assert [unit.name for unit, _ in ranked] == ["Huyện E", "Sở F", "Sở A", "Huyện B", "Sở C"]
    assert [fig.to_target for _, fig in ranked] == [3, 2, 1, 0, 0]


def test_furthest_behind_leaves_out_units_on_target(laggards):
    _, per_unit = kpi.compute(db.session, date(2020, 5, 31), 0.30)
    assert [u.name for u, _ in kpi.furthest_behind(per_unit)] == ["Huyện E", "Sở F", "Sở A"]
    assert len(kpi.furthest_behind(per_unit, n=2)) == 2


def test_sort_units_keeps_empty_units_last(laggards):
    _, per_unit = kpi.compute(db.session, date(2020, 5, 31), 0.30)
    names = [u.name for u, _ in kpi.sort_units(per_unit, "name", descending=True)]
    assert names == ["Sở F", "Sở A", "Huyện E", "Huyện B", "Sở C"]
    by_share = [u.name for u, _ in kpi.sort_units(per_unit, "share", descending=True)]
    assert by_share == ["Huyện B", "Sở A", "Huyện E", "Sở F", "Sở C"]
    by_gap = [u.name for u, _ in kpi.sort_units(per_unit, "to_target")]
    assert by_gap == ["Huyện B", "Sở A", "Sở F", "Huyện E", "Sở C"]
    assert kpi.sort_units(per_unit, "nonsense") == kpi.sort_units(per_unit, "share")


def test_split_by_kind(laggards):
    _, per_unit = kpi.compute(db.session, date(2020, 5, 31), 0.30)
    departments, districts = kpi.split_by_kind(per_unit)
    assert [u.name for u, _ in departments] == ["Sở A", "Sở C", "Sở F"]
    assert [u.name for u, _ in districts] == ["Huyện B", "Huyện E"]


def test_overview_gathers_the_dashboard(catalog):
    settings.put(db.session, "national_share", 0.191)
    settings.put(db.session, "target_on", "2020-12-31")
    view = kpi.overview(db.session, date(2020, 7, 31))
    assert view.target == 0.30
    assert view.national == 0.191
    assert view.target_on == date(2020, 12, 31)
    assert view.province.level4_verified == 3
    assert len(view.trend) == 12
    assert view.trend[-1].on == date(2020, 7, 31)


@pytest.mark.parametrize("text", ["", "31/02/2020", "2020-02-30", "0001-01-01", "2150-01-01",
                                  "nonsense"])
def test_parse_as_of_refuses_bad_dates(app, text):
    with pytest.raises(DomainError) as caught:
        kpi.parse_as_of(text)
    assert caught.value.field == "as_of"


def test_parse_as_of_reads_iso_dates():
    assert kpi.parse_as_of(" 2020-08-31 ") == date(2020, 8, 31)


def test_parse_as_of_reads_vietnamese_and_iso_dates():
    assert kpi.parse_as_of("31/08/2020") == date(2020, 8, 31)
    assert kpi.parse_as_of(" 2020-08-31 ") == date(2020, 8, 31)
