"""The forecast on synthetic series: a known slope, flat, one outlier month, too few points."""

from datetime import date

import pytest

from taskforce.services import forecast
from taskforce.services.forecast import (
    AT_RISK,
    MET,
    NO_DATA,
    NO_FORECAST,
    OFF_TRACK,
    ON_TRACK,
    fit,
    outlook,
    pace_needed,
    status,
    theil_sen,
)

ENDS = [date(2021, 1, 31), date(2021, 2, 28), date(2021, 3, 31), date(2021, 4, 30),
        date(2021, 5, 31), date(2021, 6, 30)]


def months(day):
    return forecast.months_between(ENDS[-1], day)


def test_theil_sen_on_points_of_a_line():
    assert theil_sen([(0, 1.0), (1, 3.0), (2, 5.0), (3, 7.0)]) == (2.0, 1.0)


def test_theil_sen_ignores_one_outlier():
    slope, intercept = theil_sen([(0, 0.0), (1, 1.0), (2, 9.0), (3, 3.0), (4, 4.0), (5, 5.0)])
    assert slope == 1.0
    assert intercept == 0.0


def test_a_known_slope_is_found_and_projected():
    # Two points a month, measured at each month end (months of unequal length).
    series = [(day, 0.10 + 0.02 * months(day) + 0.10) for day in ENDS]
    trend = fit(series)
    assert trend.points == 6
    assert trend.slope == pytest.approx(0.02)
    target_on = date(2021, 12, 31)
    assert trend.at(target_on) == pytest.approx(0.20 + 0.02 * months(target_on))
    assert trend.at(ENDS[-1]) == pytest.approx(0.20)


def test_only_the_last_six_months_count():
    early = [(date(2020, m, 28), 0.9) for m in range(1, 13)]
    series = early + [(day, 0.30) for day in ENDS]
    assert fit(series).slope == 0.0
    assert fit(series).at(date(2022, 1, 1)) == pytest.approx(0.30)


def test_a_flat_series_projects_its_value():
    trend = fit([(day, 0.25) for day in ENDS])
    assert trend.slope == 0.0
    assert trend.at(date(2025, 12, 31)) == pytest.approx(0.25)
    result = outlook([(day, 0.25) for day in ENDS], 0.25, 0.30, ENDS[-1], date(2021, 12, 31))
    assert result.projected == pytest.approx(0.25)
    assert result.status == AT_RISK  # within five points of the target
    assert outlook([(day, 0.20) for day in ENDS], 0.20, 0.30, ENDS[-1],
                   date(2021, 12, 31)).status == OFF_TRACK


def test_one_outlier_month_does_not_swing_the_trend():
    # A steady point a month, with a jump of 30 points in April (a late import, say).
    series = [(day, 0.10 + 0.01 * i + (0.30 if i == 3 else 0)) for i, day in enumerate(ENDS)]
    trend = fit(series)
    assert trend.slope == pytest.approx(0.01, abs=0.002)
    # An ordinary least-squares line would be pulled far above: its slope is about 2.7 points.
    assert trend.at(date(2021, 12, 31)) == pytest.approx(0.15 + 0.06, abs=0.02)


def test_the_projection_stays_a_share():
    rising = [(day, 0.5 + 0.2 * i) for i, day in enumerate(ENDS[:3])]
    assert fit(rising).at(date(2030, 1, 1)) == 1.0
    falling = [(day, 0.3 - 0.1 * i) for i, day in enumerate(ENDS[:3])]
    assert fit(falling).at(date(2030, 1, 1)) == 0.0


def test_fewer_than_three_points_cannot_forecast():
    two = [(ENDS[0], 0.1), (ENDS[1], 0.2), (ENDS[2], None)]
    assert fit(two) is None
    result = outlook(two, 0.2, 0.3, ENDS[2], date(2021, 12, 31))
    assert result.projected is None and result.slope is None
    assert result.status == NO_FORECAST
    assert result.pace == pytest.approx(
        0.1 / forecast.months_between(ENDS[2], date(2021, 12, 31)))
    # Already there: met, forecast or not.
    assert outlook(two, 0.35, 0.3, ENDS[2], date(2021, 12, 31)).status == MET
    assert outlook([], None, 0.3, ENDS[2], date(2021, 12, 31)).status == NO_DATA


def test_statuses():
    assert status(0.31, 0.30, None) == MET
    assert status(0.20, 0.30, 0.30) == ON_TRACK
    assert status(0.20, 0.30, 0.25) == AT_RISK
    assert status(0.20, 0.30, 0.2499) == OFF_TRACK
    assert status(None, 0.30, 0.9) == NO_DATA


def test_a_passed_date_without_the_target_is_off_track():
    series = [(day, 0.10 + 0.05 * i) for i, day in enumerate(ENDS)]
    assert outlook(series, 0.35, 0.40, ENDS[-1], date(2021, 5, 31)).status == OFF_TRACK
    assert outlook(series, 0.35, 0.30, ENDS[-1], date(2021, 5, 31)).status == MET


def test_pace_needed():
    # 10 points to gain in 4 months (days counted): 2.5 points a month, near enough.
    assert pace_needed(0.20, 0.30, date(2021, 1, 1), date(2021, 5, 2)) == pytest.approx(
        0.025, rel=0.01)
    assert pace_needed(0.30, 0.30, date(2021, 1, 1), date(2021, 5, 1)) is None
    assert pace_needed(None, 0.30, date(2021, 1, 1), date(2021, 5, 1)) is None
    # Less than a month left: the whole gap now.
    assert pace_needed(0.20, 0.30, date(2021, 1, 1), date(2021, 1, 20)) == pytest.approx(0.1)
