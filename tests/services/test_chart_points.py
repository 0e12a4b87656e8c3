"""The trend chart's data: no invented 0 % months before the catalog held services, and
month labels that never crowd each other (tested on the points, not on pixels)."""

from datetime import date, timedelta

from taskforce.extensions import db
from taskforce.services import charts, kpi
from tests import factories


def _month_ends(year, first, last):
    ends = []
    for month in range(first, last + 1):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        ends.append(nxt - timedelta(days=1))
    return ends


def test_the_series_starts_at_the_first_month_with_services():
    days = _month_ends(2020, 1, 6)
    points = [(day, 0.0, 0.0, 0) for day in days[:3]] + \
        [(days[3], 0.1, 0.2, 40), (days[4], 0.0, 0.0, 40), (days[5], 0.15, 0.2, 41)]
    assert charts.plotted(points) == [(days[3], 0.1, 0.2), (days[4], 0.0, 0.0),
                                      (days[5], 0.15, 0.2)]
    assert charts.plotted([(day, 0.0, 0.0, 0) for day in days]) == []
    # Points without a count (a review made before it was kept) all hold data.
    assert charts.plotted([(days[0], 0.0, 0.0)]) == [(days[0], 0.0, 0.0)]


def test_kpi_trend_marks_the_months_before_the_catalog(app):
    unit = factories.unit()
    factories.service(unit, level=4, listed_on=date(2020, 4, 10))
    db.session.commit()
    points = kpi.monthly_trend(db.session, date(2020, 1, 1), date(2020, 6, 15))
    assert [p.services for p in points][:3] == [0, 0, 0]
    drawn = charts.plotted(points)
    assert drawn[0][0] == date(2020, 4, 30) and drawn[0][1] == 1.0
    assert drawn[-1][0] == date(2020, 6, 15)


def test_the_last_labels_do_not_overlap():
    days = [*_month_ends(2020, 1, 11), date(2020, 12, 6)]
    ticks = charts.date_ticks(days)
    assert len(ticks) <= charts.MAX_TICKS
    assert ticks[-1] == (date(2020, 12, 6), "06/12/2020")
    gaps = [(b[0] - a[0]).days for a, b in zip(ticks, ticks[1:], strict=False)]
    assert min(gaps) >= charts.MIN_TICK_GAP
    assert ticks[0][1].count("/") == 1  # a month end reads mm/yyyy


def test_a_short_series_labels_every_month():
    days = _month_ends(2020, 9, 11)
    assert [label for _day, label in charts.date_ticks(days)] == ["09/2020", "10/2020",
                                                                  "11/2020"]


def test_the_chart_draws_with_months_before_the_data():
    days = _month_ends(2020, 1, 4)
    points = [(day, 0.0, 0.0, 0) for day in days[:2]] + [(days[2], 0.2, 0.3, 5),
                                                         (days[3], 0.25, 0.3, 5)]
    assert charts.trend_chart(points, 0.3, "svg").startswith(b"<?xml")
