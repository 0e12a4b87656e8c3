"""A few months of the 766 scorecard for the demo's units, imported through the service.

The portal scored Bắc Kạn's departments and districts until the merger of 1 July 2025; the
demo gives them March to June 2025 and the second quarter, drawn from each unit's lag (the
units slow to bring services online score lower) with a steady rise month by month, so that
the page shows units under both thresholds, movement and a weakest group to act on.
"""

import json
import random

from taskforce.demo.people import UNITS
from taskforce.models.enums import UnitKind
from taskforce.services import scorecard
from taskforce.services.scorecard.limits import DEFAULT_MAXIMA

PERIODS = ("2025-03", "2025-04", "2025-05", "2025-06", "2025-Q2")
PROVINCE = ("T-BACKAN", "Tỉnh Bắc Kạn")
# The portal's LOAI_COQUAN: departments are scored as such, districts with the communes.
TYPES = {UnitKind.DEPARTMENT: "2"}
SEED = 766


def _groups(lag, step, draw):
    """Each group's score: the unit's level, the month's rise and the group's own spread."""
    level = 0.86 - 0.55 * lag + 0.012 * step
    return {group: round(top * min(1.0, max(0.3, level + draw.uniform(-0.08, 0.06))), 2)
            for group, top in DEFAULT_MAXIMA.items()}


def _record(ident, code, name, unit_type, groups, rank):
    return {"ID": ident, "TEN": name, "TEN_COQUAN": name, "MA_COQUAN": code,
            "LOAI_COQUAN": unit_type, "CAPDONVIID": unit_type, "ID_COQUAN": 10_000 + ident,
            # As the portal's pages save them: numbers as text with a decimal comma.
            **{group: f"{value:.2f}".replace(".", ",") for group, value in groups.items()},
            "TONG_SCORE": f"{sum(groups.values()):.2f}".replace(".", ","),
            "ROW_STT": str(rank)}


def records(step):
    """The portal's rows of the period ``step`` (0 for March 2025): the province, then units."""
    draw = random.Random(SEED + step)
    rows = []
    for ident, (code, name, kind, _count, lag) in enumerate(UNITS, start=2):
        groups = _groups(lag, step, draw)
        rank = max(1, int((100 - sum(groups.values())) * 45))
        rows.append(_record(ident, code, f"{name} - tỉnh Bắc Kạn", TYPES.get(kind, "3"), groups,
                            rank))
    average = {group: round(sum(float(r[group].replace(",", ".")) for r in rows) / len(rows), 2)
               for group in DEFAULT_MAXIMA}
    return [_record(1, *PROVINCE, "1", average, 40 - 3 * step), *rows]


def load(session, *, now):
    """Import the demo's score tables; return how many."""
    for step, label in enumerate(PERIODS):
        # The quarter's table is the last month's, as the portal's running figures are.
        data = json.dumps(records(min(step, 3)), ensure_ascii=False).encode()
        plan = scorecard.import_scorecard(session, data, f"diem-766-{label}.json",
                                          scorecard.parse_period(label), create_units=False,
                                          actor=None, now=now)
        if not plan.ok:
            raise ValueError(f"demo scorecard {label}: {plan.errors[:3]}")
    return len(PERIODS)
