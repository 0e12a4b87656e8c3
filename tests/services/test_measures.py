"""The measures against figures computed by hand, at several dates, and their query counts."""

import functools
from datetime import date

import pytest
from sqlalchemy import select

from taskforce.demo import loader
from taskforce.extensions import db
from taskforce.models import ClaimStatus, Unit, UnitKind
from taskforce.services import accounts, kpi, measures, usage_figures
from taskforce.services.errors import DomainError
from tests import factories

JAN1 = date(2020, 1, 1)


@pytest.fixture
def catalog(app):
    """Four active units with services, one without, one inactive; usage over a year end.

    Sở A: a1 3→4 verified 15/06/2020, fee; a2 3, claim to 4 pending from 01/07/2020;
          a3 4, fee; a4 2 listed 01/03/2020; an inactive level-4 service with usage.
    Huyện B: b1 4, fee; b2 3→4 verified 10/01/2021.   Xã C: c1 3.   Sở D: d1 4, no usage.
    Sở F: no services.   Sở E (inactive): e1 4 with usage.
    Usage (month: total, online, paid online, digitised):
      a1 11/2020: 10, 4, 2, –   12/2020: 10, 6, 3, 5   01/2021: 20, 10, 5, 10
      a2 12/2020: 5, 0, 0, –    a3 10/2020: 8, 8, 8, 8   b1 01/2021: 4, 0, 0, –
      c1 12/2020: 10, 1, 0, –   the inactive ones 12/2020: 100, 100, 100, 100
    """
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2)
    c = factories.unit("Xã C", kind=UnitKind.COMMUNE, display_order=3)
    d = factories.unit("Sở D", display_order=4)
    f = factories.unit("Sở F", display_order=5)
    e = factories.unit("Sở E", display_order=6, active=False)
    a1 = factories.service(a, level=3, listed_on=JAN1, has_fee=True)
    factories.level_change(a1, 4, date(2020, 6, 15))
    a2 = factories.service(a, level=3, listed_on=JAN1)
    factories.level_change(a2, 4, date(2020, 7, 1), status=ClaimStatus.PENDING)
    a3 = factories.service(a, level=4, listed_on=JAN1, has_fee=True)
    factories.service(a, level=2, listed_on=date(2020, 3, 1))
    gone = factories.service(a, level=4, listed_on=JAN1, active=False)
    b1 = factories.service(b, level=4, listed_on=JAN1, has_fee=True)
    b2 = factories.service(b, level=3, listed_on=JAN1)
    factories.level_change(b2, 4, date(2021, 1, 10))
    c1 = factories.service(c, level=3, listed_on=JAN1)
    factories.service(d, level=4, listed_on=JAN1)
    e1 = factories.service(e, level=4, listed_on=JAN1, has_fee=True)
    factories.usage(a1, date(2020, 11, 1), total=10, online=4, paid_online=2)
    factories.usage(a1, date(2020, 12, 1), total=10, online=6, paid_online=3, digitised=5)
    factories.usage(a1, date(2021, 1, 1), total=20, online=10, paid_online=5, digitised=10)
    factories.usage(a2, date(2020, 12, 1), total=5, online=0)
    factories.usage(a3, date(2020, 10, 1), total=8, online=8, paid_online=8, digitised=8)
    factories.usage(b1, date(2021, 1, 1), total=4, online=0)
    factories.usage(c1, date(2020, 12, 1), total=10, online=1)
    for inactive in (gone, e1):
        factories.usage(inactive, date(2020, 12, 1), total=100, online=100, paid_online=100,
                        digitised=100)
    db.session.commit()
    return {"a": a, "b": b, "c": c, "d": d, "f": f, "e": e, "a1": a1, "a2": a2, "a3": a3,
            "b1": b1, "c1": c1}


def figures(result):
    """(numerator, denominator) or None, for a Value or None."""
    return None if result is None else (result.numerator, result.denominator)


def check(result, catalog, expected):
    """``expected``: Sở A, Huyện B, Xã C, Sở D, overall, departments, districts, communes."""
    got = tuple(figures(result.units[catalog[key].id]) for key in "abcd")
    got += (figures(result.overall),
            *(figures(result.groups[group]) for group in measures.GROUPS))
    assert got == expected
    assert result.units[catalog["f"].id] is None
    assert catalog["e"].id not in result.units


# (as_of, params, Sở A, Huyện B, Xã C, Sở D, overall, departments, districts, communes)
SHARE_CASES = [
    (date(2019, 12, 31), {}, None, None, None, None, None, None, None, None),
    (date(2020, 2, 29), {}, (1, 3), (1, 2), (0, 1), (1, 1), (3, 7), (2, 4), (1, 2), (0, 1)),
    (date(2020, 6, 14), {}, (1, 4), (1, 2), (0, 1), (1, 1), (3, 8), (2, 5), (1, 2), (0, 1)),
    # a1's verified change to 4 takes effect.
    (date(2020, 6, 15), {}, (2, 4), (1, 2), (0, 1), (1, 1), (4, 8), (3, 5), (1, 2), (0, 1)),
    # a2's pending claim counts only when claims count.
    (date(2020, 7, 31), {}, (2, 4), (1, 2), (0, 1), (1, 1), (4, 8), (3, 5), (1, 2), (0, 1)),
    (date(2020, 7, 31), {"verified_only": False},
     (3, 4), (1, 2), (0, 1), (1, 1), (5, 8), (4, 5), (1, 2), (0, 1)),
    (date(2020, 6, 30), {"verified_only": False},
     (2, 4), (1, 2), (0, 1), (1, 1), (4, 8), (3, 5), (1, 2), (0, 1)),
    (date(2020, 5, 31), {"min_level": 3},
     (3, 4), (2, 2), (1, 1), (1, 1), (7, 8), (4, 5), (2, 2), (1, 1)),
    # b2 reaches 4 after the year end.
    (date(2021, 1, 31), {}, (2, 4), (2, 2), (0, 1), (1, 1), (5, 8), (3, 5), (2, 2), (0, 1)),
]


@pytest.mark.parametrize(("as_of", "params", "expected"),
                         [(case[0], case[1], case[2:]) for case in SHARE_CASES])
def test_share_at_class(catalog, as_of, params, expected):
    check(measures.compute(db.session, "share_at_class", as_of, params), catalog, expected)


USE_CASES = [
    # The window of three months ending in January spans the year end; Sở A's October row
    # falls out of it; Huyện B has dossiers, none online: 0 %, not "no data".
    ("online_dossiers", date(2021, 1, 31), {"months": 3},
     (20, 45), (0, 4), (1, 10), None, (21, 59), (20, 45), (0, 4), (1, 10)),
    ("online_dossiers", date(2021, 1, 31), {},
     (28, 53), (0, 4), (1, 10), None, (29, 67), (28, 53), (0, 4), (1, 10)),
    ("online_dossiers", date(2020, 12, 31), {"months": 1},
     (6, 15), None, (1, 10), None, (7, 25), (6, 15), None, (1, 10)),
    ("online_dossiers", date(2020, 10, 31), {"months": 3},
     (8, 8), None, None, None, (8, 8), (8, 8), None, None),
    ("online_dossiers", date(2020, 9, 30), {}, None, None, None, None, None, None, None, None),
    # Only services with a fee: a1 and b1 in the window; Xã C's service has none.
    ("paid_online", date(2021, 1, 31), {"months": 3},
     (10, 40), (0, 4), None, None, (10, 44), (10, 40), (0, 4), None),
    ("paid_online", date(2020, 10, 31), {"months": 1},
     (8, 8), None, None, None, (8, 8), (8, 8), None, None),
    # Only the months whose digitised figure was given.
    ("digitised", date(2021, 1, 31), {"months": 3},
     (15, 30), None, None, None, (15, 30), (15, 30), None, None),
    ("digitised", date(2020, 11, 30), {"months": 1},
     None, None, None, None, None, None, None, None),
    # Services at level 4 that received online dossiers in the window, among units with usage.
    ("effectiveness", date(2021, 1, 31), {},
     (1, 2), (0, 2), None, None, (1, 4), (1, 2), (0, 2), None),
    ("effectiveness", date(2020, 12, 31), {},
     (2, 2), None, None, None, (2, 2), (2, 2), None, None),
    ("effectiveness", date(2021, 1, 31), {"min_level": 3},
     (1, 3), (0, 2), (1, 1), None, (2, 6), (1, 3), (0, 2), (1, 1)),
    ("effectiveness", date(2021, 1, 31), {"months": 1},
     (1, 2), (0, 2), None, None, (1, 4), (1, 2), (0, 2), None),
]


@pytest.mark.parametrize(("name", "as_of", "params", "expected"),
                         [(case[0], case[1], case[2], case[3:]) for case in USE_CASES])
def test_use_measures(catalog, name, as_of, params, expected):
    check(measures.compute(db.session, name, as_of, params), catalog, expected)


def test_figures_kept_between_requests_follow_a_new_usage_row(catalog):
    as_of, params = date(2021, 1, 31), {"months": 3}
    assert figures(measures.compute(db.session, "online_dossiers", as_of, params)
                   .units[catalog["c"].id]) == (1, 10)
    assert figures(measures.series(db.session, "online_dossiers", [as_of], params)[0][1]) == (
        21, 59)
    factories.usage(catalog["c1"], date(2021, 1, 1), total=10, online=9)
    db.session.commit()
    assert figures(measures.compute(db.session, "online_dossiers", as_of, params)
                   .units[catalog["c"].id]) == (10, 20)
    assert figures(measures.series(db.session, "online_dossiers", [as_of], params)[0][1]) == (
        30, 69)


def test_value_share():
    assert measures.Value(1, 4).share == 0.25
    assert measures.Value(0, 4).share == 0.0
    assert measures.Value(0, 0).share is None


SERIES_ENDS = [date(2019, 12, 31), date(2020, 6, 14), date(2020, 6, 30), date(2020, 7, 31),
               date(2020, 10, 31), date(2020, 11, 30), date(2020, 12, 31), date(2021, 1, 31)]


@pytest.mark.parametrize(("name", "params"), [
    ("share_at_class", {}), ("share_at_class", {"verified_only": False}),
    ("share_at_class", {"min_level": 3}), ("online_dossiers", {"months": 3}),
    ("online_dossiers", {}), ("paid_online", {"months": 2}), ("digitised", {"months": 3}),
    ("effectiveness", {}), ("effectiveness", {"min_level": 3, "months": 2}),
])
def test_series_gives_the_overall_value_at_each_date_in_one_query(catalog, count_queries,
                                                                  name, params):
    with count_queries() as queries:
        points = measures.series(db.session, name, SERIES_ENDS, params)
    # The stamp of the figures kept between requests, then the series; the dossier measures
    # read the usage's sums under the usage stamp, a query more.
    assert queries.count == (3 if name in usage_figures.DOSSIER_SUMS else 2)
    assert [on for on, _ in points] == SERIES_ENDS
    for on, value in points:
        assert value == measures.compute(db.session, name, on, params).overall, on


def test_series_of_the_share_follows_the_kpi_trend(catalog):
    ends = kpi.month_ends(date(2020, 1, 1), date(2021, 1, 31))
    trend = kpi.monthly_trend(db.session, date(2020, 1, 1), date(2021, 1, 31))
    verified = measures.series(db.session, "share_at_class", ends)
    claimed = measures.series(db.session, "share_at_class", ends, {"verified_only": False})
    assert [v.share for _, v in verified] == [p.share_verified for p in trend]
    assert [v.share for _, v in claimed] == [p.share_claimed for p in trend]


def test_has_data(app):
    assert not any(measures.has_data(db.session, name) for name in measures.MEASURES)
    unit = factories.unit()
    plain = factories.service(unit, level=4)
    db.session.commit()
    assert measures.has_data(db.session, "share_at_class")
    assert not measures.has_data(db.session, "online_dossiers")
    factories.usage(plain, date(2020, 5, 1))
    assert measures.has_data(db.session, "online_dossiers")
    assert measures.has_data(db.session, "effectiveness")
    assert not measures.has_data(db.session, "paid_online")
    assert not measures.has_data(db.session, "digitised")
    factories.usage(factories.service(unit, has_fee=True), date(2020, 5, 1), digitised=3)
    assert measures.has_data(db.session, "paid_online")
    assert measures.has_data(db.session, "digitised")


def test_volumes(catalog):
    def ids(**totals):
        return {catalog[key].id: total for key, total in totals.items()}

    assert measures.volumes(db.session, date(2021, 1, 31), months=3) == ids(a1=40, a2=5, b1=4,
                                                                           c1=10)
    assert measures.volumes(db.session, date(2020, 10, 31), months=1) == ids(a3=8)
    assert measures.volumes(db.session, date(2019, 12, 31)) == {}


def test_params_are_checked(app):
    assert measures.check_params("effectiveness") == {"min_level": 4, "months": 3}
    assert measures.check_params("share_at_class", {"min_level": 3}) == {
        "min_level": 3, "verified_only": True}
    for name, params in (("share_at_class", {"min_level": 5}),
                         ("share_at_class", {"months": 3}),
                         ("online_dossiers", {"months": 0}),
                         ("online_dossiers", {"months": "12"}),
                         ("share_at_class", {"verified_only": "yes"}),
                         ("nothing", {})):
        with pytest.raises(DomainError):
            measures.compute(db.session, name, date(2020, 1, 31), params)


def _catalog_of(units, services_each=3):
    for n in range(units):
        unit = factories.unit(kind=(UnitKind.DEPARTMENT, UnitKind.DISTRICT,
                                    UnitKind.COMMUNE)[n % 3])
        for level in range(services_each):
            service = factories.service(unit, level=level + 2, has_fee=level > 0)
            factories.usage(service, date(2020, 5, 1), digitised=2)
    db.session.commit()


@pytest.mark.parametrize("name", sorted(measures.MEASURES))
def test_compute_costs_a_fixed_number_of_queries(app, count_queries, name):
    counts = []
    for units in (2, 20):
        _catalog_of(units)
        with count_queries() as queries:
            result = measures.compute(db.session, name, date(2020, 5, 31))
        counts.append(queries.count)
        assert result.overall is not None
    # The stamp of the figures kept between requests, the counts per unit, the units; the
    # dossier measures' counts are kept under the usage stamp, read first.
    expected = 4 if name in usage_figures.DOSSIER_SUMS else 3
    assert counts == [expected, expected]


# The demo: the share at level 4 of the 2020 plan is kpi's verified share -----------------------

_hash_once = functools.cache(accounts.hash_password)


@pytest.fixture
def demo(app, monkeypatch):
    # argon2 is slow on purpose and every load hashes the same password: hash it once.
    monkeypatch.setattr(loader, "hash_password", _hash_once)
    loader.load(db.session, founded_on=date(2020, 10, 15))
    db.session.commit()


# The province's verified share printed by ``flask kpi --json`` before measures existed.
PROVINCE_SHARES = {date(2020, 8, 31): 0.2406, date(2020, 10, 31): 0.2607,
                   date(2020, 12, 31): 0.2882}


def test_share_at_class_gives_the_kpi_figures_on_the_demo(demo):
    names = dict(db.session.execute(select(Unit.id, Unit.name)).all())
    for as_of, province_share in PROVINCE_SHARES.items():
        result = measures.compute(db.session, "share_at_class", as_of)
        assert round(result.overall.share, 4) == province_share
        province, per_unit = kpi.compute(db.session, as_of)
        assert result.overall.share == province.share_verified
        expected = {unit.name: round(fig.share_verified, 4) for unit, fig in per_unit}
        got = {names[unit_id]: round(value.share, 4) if value else 0.0
               for unit_id, value in result.units.items()}
        assert got == expected
        claimed = measures.compute(db.session, "share_at_class", as_of, {"verified_only": False})
        assert claimed.overall.share == province.share
        departments, districts = kpi.split_by_kind(per_unit)
        assert result.groups["departments"].denominator == sum(f.services for _, f in departments)
        assert result.groups["districts"].numerator == sum(
            f.level4_verified for u, f in districts if u.kind != UnitKind.COMMUNE)
