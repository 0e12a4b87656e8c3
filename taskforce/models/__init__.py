"""All models, imported in one place for Alembic and the app."""

from taskforce.models.audit import AuditEvent
from taskforce.models.catalog import LevelChange, MonthFigures, Service, ServiceUsage
from taskforce.models.enums import (
    OPEN_TASK_STATUSES,
    TASK_TRANSITIONS,
    ClaimStatus,
    Decision,
    IndicatorStatus,
    LevelSource,
    MailMode,
    OnlineClass,
    OutboxState,
    Position,
    Prerequisite,
    Priority,
    ReorganisationChange,
    ReviewKind,
    Role,
    TaskClass,
    TaskKind,
    TaskStatus,
    Tier,
    UnitKind,
    Worded,
)
from taskforce.models.mail import DigestEntry, MailPreference
from taskforce.models.notifications import (
    DeliveryAttempt,
    Notification,
    OutboxMessage,
    ReminderItem,
)
from taskforce.models.plans import Indicator, Milestone, Plan
from taskforce.models.reorganisations import (
    Reorganisation,
    ReorganisationLink,
    ServiceUnit,
    SplitAssignment,
)
from taskforce.models.reviews import Review
from taskforce.models.roster import Member, member_units
from taskforce.models.scorecard import ScoreRow, ScoreTable
from taskforce.models.settings import SchedulerLease, Setting
from taskforce.models.tasks import Attachment, ExtensionRequest, StatusUpdate, Task, task_services
from taskforce.models.tokens import ApiToken
from taskforce.models.units import Unit
from taskforce.models.users import RecoveryCode, User
from taskforce.models.webhooks import WebhookSubscription

__all__ = [
    "OPEN_TASK_STATUSES",
    "TASK_TRANSITIONS",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "ClaimStatus",
    "Decision",
    "DeliveryAttempt",
    "DigestEntry",
    "ExtensionRequest",
    "Indicator",
    "LevelChange",
    "LevelSource",
    "IndicatorStatus",
    "MailMode",
    "MailPreference",
    "Member",
    "Milestone",
    "MonthFigures",
    "Notification",
    "OnlineClass",
    "OutboxMessage",
    "OutboxState",
    "Plan",
    "Position",
    "Prerequisite",
    "Priority",
    "RecoveryCode",
    "ReminderItem",
    "Reorganisation",
    "ReorganisationChange",
    "ReorganisationLink",
    "Review",
    "ReviewKind",
    "Role",
    "SchedulerLease",
    "ScoreRow",
    "ScoreTable",
    "Service",
    "ServiceUnit",
    "ServiceUsage",
    "Setting",
    "SplitAssignment",
    "StatusUpdate",
    "Task",
    "TaskClass",
    "TaskKind",
    "TaskStatus",
    "Tier",
    "Unit",
    "UnitKind",
    "User",
    "WebhookSubscription",
    "Worded",
    "member_units",
    "task_services",
]
