"""The 766 scorecard: the national portal's score tables imported per period, and their use.

``periods`` names a month, quarter or year; ``reading`` reads a file's score sheets (.xlsx,
.csv or JSON); ``importing`` plans a file and stores it all or nothing; ``limits`` keeps the
group maxima and thresholds (settings); ``pages`` shows a period (gaps, movement,
thresholds), a unit's history and a review's section; ``actions`` makes a unit's weakest group
a task.
"""

from taskforce.models.scorecard import GROUPS
from taskforce.services.scorecard.actions import create_weakest_task, task_draft
from taskforce.services.scorecard.importing import (
    ScorePlan,
    apply_scorecard,
    import_scorecard,
    place,
    plan_scorecard,
)
from taskforce.services.scorecard.limits import (
    Yardstick,
    group_label,
    maxima,
    save_yardstick,
    thresholds,
)
from taskforce.services.scorecard.pages import (
    as_json,
    board,
    find_table,
    periods,
    review_section,
    unit_history,
)
from taskforce.services.scorecard.periods import Period, of_table, parse_period

__all__ = ["GROUPS", "Period", "ScorePlan", "apply_scorecard", "as_json", "board",
           "create_weakest_task", "find_table", "group_label", "import_scorecard", "maxima",
           "of_table", "parse_period", "periods", "place", "plan_scorecard", "review_section",
           "save_yardstick", "task_draft", "thresholds", "unit_history", "Yardstick"]
