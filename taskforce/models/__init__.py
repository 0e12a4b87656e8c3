"""All models, imported in one place for Alembic and the app."""

from taskforce.models.audit import AuditEvent
from taskforce.models.catalog import LevelChange, Service, ServiceUsage
from taskforce.models.enums import (
    OPEN_TASK_STATUSES,
    TASK_TRANSITIONS,
    ClaimStatus,
    Decision,
    OnlineClass,
    OutboxState,
    Position,
    Priority,
    ReviewKind,
    Role,
    TaskKind,
    TaskStatus,
    Tier,
    UnitKind,
)
from taskforce.models.notifications import (
    DeliveryAttempt,
    Notification,
    OutboxMessage,
    ReminderItem,
)
from taskforce.models.plans import Indicator, Milestone, Plan
from taskforce.models.reviews import Review
from taskforce.models.roster import Member, member_units
from taskforce.models.settings import SchedulerLease, Setting
from taskforce.models.tasks import Attachment, ExtensionRequest, StatusUpdate, Task, task_services
from taskforce.models.units import Unit
from taskforce.models.users import RecoveryCode, User

__all__ = [
    "OPEN_TASK_STATUSES",
    "TASK_TRANSITIONS",
    "Attachment",
    "AuditEvent",
    "ClaimStatus",
    "Decision",
    "DeliveryAttempt",
    "ExtensionRequest",
    "Indicator",
    "LevelChange",
    "Member",
    "Milestone",
    "Notification",
    "OnlineClass",
    "OutboxMessage",
    "OutboxState",
    "Plan",
    "Position",
    "Priority",
    "RecoveryCode",
    "ReminderItem",
    "Review",
    "ReviewKind",
    "Role",
    "SchedulerLease",
    "Service",
    "ServiceUsage",
    "Setting",
    "StatusUpdate",
    "Task",
    "TaskKind",
    "TaskStatus",
    "Tier",
    "Unit",
    "UnitKind",
    "User",
    "member_units",
    "task_services",
]
