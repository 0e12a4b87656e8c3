"""The task force's yardstick on the scorecard: each group's maximum and the two thresholds."""

from dataclasses import dataclass

from flask_babel import gettext as _

from taskforce.models.enums import N_
from taskforce.models.scorecard import GROUPS
from taskforce.services import audit, settings
from taskforce.services.errors import Checks, DomainError

# The published weights of Decision 766/QĐ-TTg. BACKGROUND gives CLGQ and TTTT together (22):
# the decision's 12 for online service provision and 10 for online payment.
DEFAULT_MAXIMA = {"CKMB": 18, "TDGQ": 20, "CLGQ": 12, "TTTT": 10, "MDSH": 22, "MDHL": 18}
DEFAULT_THRESHOLDS = (80, 90)
MAXIMA_KEY, THRESHOLDS_KEY = "scorecard_maxima", "scorecard_thresholds"
GROUP_WORDS = {
    "CKMB": N_("Publicity and transparency"), "TDGQ": N_("Progress and results of handling"),
    "CLGQ": N_("Online service provision"), "TTTT": N_("Online payment"),
    "MDSH": N_("Digitisation of dossiers"), "MDHL": N_("Satisfaction"),
}


def group_label(group):
    """A group's name in the request's language."""
    return _(GROUP_WORDS[group])


def maxima(session):
    """{group: its maximum}: the setting, else the published weights."""
    stored = settings.get(session, MAXIMA_KEY) or {}
    return {group: float(stored.get(group, DEFAULT_MAXIMA[group])) for group in GROUPS}


def thresholds(session):
    """(low, high): units under these totals are chased."""
    low, high = settings.get(session, THRESHOLDS_KEY) or DEFAULT_THRESHOLDS
    return float(low), float(high)


@dataclass(frozen=True)
class Yardstick:
    """The thresholds and the group maxima as typed in: ``maxima`` {group: value}."""

    low: float | None
    high: float | None
    maxima: dict


def _points(value, field):
    if value is None or not 0 <= value <= 100:
        raise DomainError(_("Enter a number of points from 0 to 100."), field=field)
    return round(float(value), 2)


def save_yardstick(session, yardstick, *, actor, now):
    """Check and store the thresholds and the group maxima; audit what changed."""
    checks = Checks()
    low = checks.run(_points, yardstick.low, "low")
    high = checks.run(_points, yardstick.high, "high")
    top = {group: checks.run(_points, yardstick.maxima.get(group), group.lower())
           for group in GROUPS}
    checks.raise_any()
    if low >= high:
        raise DomainError(_("The first threshold must be below the second."), field="low")
    if abs(sum(top.values()) - 100) > 0.005:
        raise DomainError(_("The group maxima must add up to 100 (they add up to "
                            "%(sum)s).", sum=round(sum(top.values()), 2)), field="ckmb")
    new = {THRESHOLDS_KEY: [low, high], MAXIMA_KEY: top}
    old = {THRESHOLDS_KEY: list(thresholds(session)), MAXIMA_KEY: maxima(session)}
    changes = {key: [old[key], value] for key, value in new.items() if old[key] != value}
    for key in changes:
        settings.put(session, key, new[key], actor=actor)
    if changes:
        session.flush()
        audit.record(session, actor, "settings.update", None, now=now,
                     summary=", ".join(sorted(changes)), changes=changes)
    return changes
