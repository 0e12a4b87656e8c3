"""What the dashboard's trend chart draws of the default plan: the projection of the indicator
the chart shows (the share of services verified at level 4 or above) to each of its target
dates, and the targets themselves."""

from taskforce.services import plans

CHART_MEASURE = "share_at_class"


def charted_indicator(report):
    """The first indicator of ``report`` that measures what the trend chart shows (the share
    of services verified at full online, level 4), or None."""
    for item in report.indicators if report is not None else []:
        params = item.indicator.params or {}
        if item.indicator.measure == CHART_MEASURE and params.get("min_level", 4) == 4 \
                and params.get("verified_only", True):
            return item
    return None


def projection(item):
    """``{"points": [(day, value)...], "targets": [(day, target)...]}`` of an indicator, or
    None without a value: the points run from its last known value through the value
    projected at each later target date (none when it cannot be forecast yet)."""
    known = [(day, value) for day, value in item.series if value is not None]
    if not known:
        return None
    start = known[-1]
    ahead = sorted((t.target_on, t.projected) for t in item.targets
                   if t.projected is not None and t.target_on > start[0])
    return {"points": [start, *ahead] if ahead else [],
            "targets": sorted((t.target_on, t.target) for t in item.targets)}


def report_projection(report):
    """The projection and targets of ``report``'s indicator of the chart's figure, or None."""
    item = charted_indicator(report)
    return projection(item) if item is not None else None


def trend_projection(session, as_of):
    """The default plan's projection and targets for the trend chart as of ``as_of``, or None
    (no plan, or no indicator of the chart's figure)."""
    return report_projection(plans.default_report(session, as_of))
