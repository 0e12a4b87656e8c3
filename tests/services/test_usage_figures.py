"""The measures computed together (a plan's figures) give what each gives alone, and a long
effectiveness series, read in several statements, what each date gives."""

from datetime import date

from taskforce.extensions import db
from taskforce.services import kpi, measures, plans, usage_figures
from tests.services.test_measures import catalog  # noqa: F401 - the hand-computed fixture

ALL = [(name, {}) for name in measures.MEASURES] + [
    ("share_at_class", {"min_level": 3, "verified_only": False}),
    ("online_dossiers", {"months": 3}), ("paid_online", {"months": 2}),
    ("effectiveness", {"min_level": 3, "months": 2})]


def test_computed_together_as_alone(catalog, count_queries):  # noqa: F811
    as_of = date(2021, 1, 20)
    ends = plans.series_ends(as_of)
    with count_queries() as queries:
        together = measures.compute_many(db.session, ALL, as_of, ends)
    dossier_measures = sum(1 for name, _ in ALL if name in usage_figures.DOSSIER_SUMS)
    assert dossier_measures == 5
    # The five dossier indicators read the usage in four statements between them: the month
    # sums of the widest window (the narrower ones read from it), and the unit sums of each
    # of the three windows asked (12, 3 and 2 months).
    dossier = [s for s in queries.statements if "dossiers_paid_online" in s]
    assert len(dossier) == 4
    for (name, params), (result, series) in zip(ALL, together, strict=True):
        alone = measures.compute(db.session, name, as_of, params)
        assert result == alone, name
        assert series == measures.series(db.session, name, ends, params), name
        assert series[-1][1] == alone.overall, name


def test_without_units_the_value_is_the_series_last_point(catalog):  # noqa: F811
    as_of = date(2020, 12, 31)
    ends = plans.series_ends(as_of)
    for (name, params), (result, _series) in zip(
            ALL, measures.compute_many(db.session, ALL, as_of, ends, with_units=False),
            strict=True):
        assert result.units == {} and result.groups == {}
        assert result.overall == measures.compute(db.session, name, as_of, params).overall


def test_a_long_effectiveness_series_is_read_in_several_masks(catalog, count_queries):  # noqa: F811
    ends = kpi.month_ends(date(2012, 1, 1), date(2021, 6, 30))
    params = {"min_level": 3, "months": 3}
    chunks = list(usage_figures._chunks(ends, params["months"]))
    assert len(chunks) > 1
    assert all(len(usage_figures._months(usage_figures.window_start(chunk[0], 3), chunk[-1]))
               <= usage_figures.MASK_MONTHS for chunk in chunks)
    with count_queries() as queries:
        points = measures.series(db.session, "effectiveness", ends, params)
    assert queries.count == 1 + len(chunks)
    for on, value in points:
        if on.year >= 2020:
            assert value == measures.compute(db.session, "effectiveness", on, params).overall, on
        else:
            assert value is None, on


def test_effectiveness_at_level_4_in_three_months_is_read_from_the_stored_months(
        catalog, count_queries):  # noqa: F811
    """The default effectiveness is kpi's effective services over the stored denominator
    (``level4_reported``): one statement, the same figures as counted from the usage."""
    as_of = date(2021, 1, 20)
    ends = plans.series_ends(as_of)
    params = {"min_level": 4, "months": 3}
    with count_queries() as queries:
        stored = usage_figures.effectiveness_series(db.session, ends, {}, **params)
    assert len(queries.statements) == 1 and "month_figures" in queries.statements[0]
    counted = {}
    for chunk in usage_figures._chunks(ends, params["months"]):
        for row in db.session.execute(usage_figures._effectiveness_chunk(chunk, 4, 3)):
            if row.denominator:
                counted[usage_figures._as_date(row.month_end)] = (row.numerator,
                                                                 row.denominator)
    assert stored == counted and any(numerator for numerator, _ in counted.values())
    for on in ends:
        units = measures._effectiveness_rows(db.session, on, {}, **params)
        by_sql = {row.unit_id: (row.numerator, row.denominator) for row in db.session.execute(
            measures._effectiveness_units(on, **params))}
        assert {u: pair for u, pair in units.items() if pair[1]} == by_sql, on
