"""Forecast: where an indicator is heading, from its recent monthly values.

The trend is a Theil–Sen line fitted on the last six month-end values: its slope is the median
of the slopes between every pair of points, its intercept the median of what each point leaves
once the slope is taken off. A single jumpy month moves a few of the pairwise slopes, not their
median, so one late import or one burst of upgrades does not swing the projection; and the
method is simple enough to explain to a leader ("the typical month-to-month change lately").
Fewer than three points is too little to speak of a trend: the forecast says so.

Pure functions over plain numbers and dates: no database, no clock.
"""

from dataclasses import dataclass
from datetime import date
from statistics import median

WINDOW = 6  # month-end values the trend is fitted on
MIN_POINTS = 3
AT_RISK_MARGIN = 0.05  # five points below the target still counts as "at risk"
DAYS_PER_MONTH = 365.25 / 12

MET, ON_TRACK, AT_RISK, OFF_TRACK = "met", "on_track", "at_risk", "off_track"
NO_FORECAST, NO_DATA = "no_forecast", "no_data"
STATUSES = (MET, ON_TRACK, AT_RISK, OFF_TRACK, NO_FORECAST, NO_DATA)


def months_between(start: date, end: date) -> float:
    """The months (fractional, by days) from ``start`` to ``end``; negative when before."""
    return (end - start).days / DAYS_PER_MONTH


@dataclass(frozen=True)
class Trend:
    """A fitted line: ``value = intercept + slope * months after origin``."""

    origin: date
    slope: float  # per month, in the series' unit (a share from 0 to 1)
    intercept: float
    points: int

    def at(self, day: date) -> float:
        """The line's value on ``day``, kept within 0..1 (a share cannot leave them)."""
        value = self.intercept + self.slope * months_between(self.origin, day)
        return min(1.0, max(0.0, value))


def theil_sen(points):
    """``(slope, intercept)`` of the Theil–Sen line through ``[(x, y), ...]`` (x distinct)."""
    slopes = [(y2 - y1) / (x2 - x1) for i, (x1, y1) in enumerate(points)
              for x2, y2 in points[i + 1:] if x2 != x1]
    slope = median(slopes) if slopes else 0.0
    intercept = median(y - slope * x for x, y in points)
    return slope, intercept


def fit(series, window=WINDOW):
    """The trend of the last ``window`` values of ``[(day, value or None), ...]``, or None.

    Values that are None (no data that month) are left out; fewer than three left, None:
    the forecast cannot be made yet.
    """
    known = sorted((day, value) for day, value in series if value is not None)[-window:]
    if len(known) < MIN_POINTS:
        return None
    origin = known[-1][0]
    slope, intercept = theil_sen([(months_between(origin, day), value) for day, value in known])
    return Trend(origin=origin, slope=slope, intercept=intercept, points=len(known))


def status(value, target, projected):
    """Met, on track, at risk (projected within five points of the target) or off track.

    ``projected`` None means no forecast: the status is "met" if the value already is, else
    "no forecast"; ``value`` None means no data at all.
    """
    if value is None:
        return NO_DATA
    if value >= target:
        return MET
    if projected is None:
        return NO_FORECAST
    if projected >= target:
        return ON_TRACK
    if projected >= target - AT_RISK_MARGIN:
        return AT_RISK
    return OFF_TRACK


def pace_needed(value, target, as_of: date, target_on: date):
    """The change a month (share units) still needed to reach ``target`` by ``target_on``.

    None when the value is unknown or already at the target; when the date has passed, the
    whole gap (it is due now).
    """
    if value is None or value >= target:
        return None
    months = months_between(as_of, target_on)
    return (target - value) / months if months >= 1 else target - value


@dataclass(frozen=True)
class Outlook:
    """An indicator's forecast at one target: its projection, status and pace needed."""

    projected: float | None
    status: str
    pace: float | None  # share units a month
    slope: float | None  # the fitted trend a month, None without a forecast


def outlook(series, value, target, as_of: date, target_on: date, window=WINDOW):
    """Project ``series`` to ``target_on`` and say where ``value`` stands against ``target``."""
    trend = fit(series, window)
    projected = trend.at(target_on) if trend is not None else None
    state = status(value, target, projected)
    if target_on < as_of and state not in (MET, NO_DATA):
        state = OFF_TRACK  # the date has passed without the target
    return Outlook(projected=projected, status=state,
                   pace=pace_needed(value, target, as_of, target_on),
                   slope=trend.slope if trend is not None else None)
