"""Enumerations stored as short strings in the database."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    MEMBER = "member"
    UNIT_OFFICER = "unit_officer"
    VIEWER = "viewer"


class Position(StrEnum):
    LEADER = "leader"
    PERMANENT_DEPUTY = "permanent_deputy"
    DEPUTY = "deputy"
    MEMBER = "member"


class UnitKind(StrEnum):
    DEPARTMENT = "department"
    DISTRICT = "district"
    CITY = "city"
    COMMUNE = "commune"
    OTHER = "other"


class Tier(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class OnlineClass(StrEnum):
    """Decree 42/2022 classification of an online public service."""

    WHOLE_PROCESS = "whole_process"
    PARTIAL = "partial"


class ClaimStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    RETURNED = "returned"


class TaskKind(StrEnum):
    UPGRADE = "upgrade"
    GENERAL = "general"


class TaskStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    REPORTED = "reported"
    DONE = "done"
    RETURNED = "returned"
    CANCELLED = "cancelled"


OPEN_TASK_STATUSES = (
    TaskStatus.NEW,
    TaskStatus.IN_PROGRESS,
    TaskStatus.REPORTED,
    TaskStatus.RETURNED,
)
# The workflow: which status may follow which. Closed tasks (done, cancelled) go nowhere.
# Kept with the statuses so that the services (which move tasks) and the permissions (which
# say what a user may do to a task now) read the same table.
TASK_TRANSITIONS = {
    TaskStatus.NEW: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.REPORTED, TaskStatus.CANCELLED}),
    TaskStatus.REPORTED: frozenset({TaskStatus.DONE, TaskStatus.RETURNED, TaskStatus.CANCELLED}),
    TaskStatus.RETURNED: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.REPORTED,
                                    TaskStatus.CANCELLED}),
}


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Decision(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ReviewKind(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"
