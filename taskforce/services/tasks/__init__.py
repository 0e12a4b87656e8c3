"""Tasks: the writes, the progress and classes, the lists, the task page, choices, export.

``operations`` holds the writes (each checked against ``permissions.task_actions``),
``lists`` the list queries, ``page`` the task page; callers use the names re-exported
here: ``from taskforce.services import tasks`` then ``tasks.create_task(...)``.
"""

from taskforce.services.tasks.choices import member_choices, unit_follower, upgradable_services
from taskforce.services.tasks.classification import (
    CLASSES,
    DONE_SHORT,
    classification_expr,
    classify,
    count_by_classification,
)
from taskforce.services.tasks.export import export_workbook
from taskforce.services.tasks.lists import (
    BOARD_CAP,
    STATUS_ORDER,
    Figures,
    Filters,
    awaiting_acceptance,
    board,
    extension_counts,
    figures,
    my_tasks,
    overdue_tasks,
    pending_extensions,
    search,
    status_choices,
)
from taskforce.services.tasks.operations import (
    accept_task,
    allowed_update_statuses,
    cancel_task,
    create_task,
    decide_extension,
    edit_task,
    log_update,
    request_extension,
    return_task,
)
from taskforce.services.tasks.page import TaskPage, task_page
from taskforce.services.tasks.progress import (
    claim_service,
    percent_of,
    progress_expr,
    refresh_progress,
    service_progress,
    verify_claim,
    verify_task_claim,
)
from taskforce.services.tasks.validation import TaskDraft

__all__ = [
    "BOARD_CAP",
    "CLASSES",
    "DONE_SHORT",
    "STATUS_ORDER",
    "Figures",
    "Filters",
    "TaskDraft",
    "TaskPage",
    "accept_task",
    "allowed_update_statuses",
    "awaiting_acceptance",
    "board",
    "cancel_task",
    "claim_service",
    "classification_expr",
    "classify",
    "count_by_classification",
    "create_task",
    "decide_extension",
    "edit_task",
    "export_workbook",
    "extension_counts",
    "figures",
    "log_update",
    "member_choices",
    "my_tasks",
    "overdue_tasks",
    "pending_extensions",
    "percent_of",
    "progress_expr",
    "refresh_progress",
    "request_extension",
    "return_task",
    "search",
    "service_progress",
    "status_choices",
    "task_page",
    "unit_follower",
    "upgradable_services",
    "verify_claim",
    "verify_task_claim",
]
