"""Enumerations stored as short strings in the database, each with its words.

A member carries its label (in the request's language, through ``label``) and, where the
pages show it as a badge, its colour (``badge``): forms build their choices from the enum,
templates loop over it and ask ``word(value)`` for a stored string. Nowhere else names them.
"""

from enum import StrEnum

from flask_babel import lazy_gettext

# The request's translations found the fast way: a list of 100 tasks asks about 300 words.
from taskforce.extensions import gettext


def N_(message):
    """Mark ``message`` for translation; it is translated when shown (``label``)."""
    return message


class Worded(StrEnum):
    """A stored string with its words: ``NAME = value, words, badge``."""

    def __new__(cls, value, words="", badge=""):
        member = str.__new__(cls, value)
        member._value_ = value
        member.words = words
        member.badge = badge
        return member

    @property
    def label(self):
        """The member's name in the request's language."""
        return gettext(self.words) if self.words else self.value

    @classmethod
    def choices(cls):
        """(value, label) for every member, in order: a select field's choices (the labels
        translated when shown, so that a form may build them once)."""
        return [(member.value, lazy_gettext(member.words) if member.words else member.value)
                for member in cls]

    @classmethod
    def word(cls, value):
        """The label of a stored ``value``; a value outside the enum as it is ('' for none)."""
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return value

    @classmethod
    def badge_of(cls, value, default="text-bg-light"):
        """The badge colour of a stored ``value``."""
        try:
            return cls(value).badge or default
        except ValueError:
            return default


class Role(Worded):
    ADMIN = "admin", N_("Administrator")
    LEADER = "leader", N_("Leadership")
    MEMBER = "member", N_("Member")
    UNIT_OFFICER = "unit_officer", N_("Unit officer")
    VIEWER = "viewer", N_("Viewer")


class Position(Worded):
    LEADER = "leader", N_("Leader")
    PERMANENT_DEPUTY = "permanent_deputy", N_("Permanent deputy")
    DEPUTY = "deputy", N_("Deputy")
    MEMBER = "member", N_("Member")


class UnitKind(Worded):
    """A unit's kind, which is its tier too: the province's office, a department, a district
    (or the city), a commune."""

    DEPARTMENT = "department", N_("Department")
    DISTRICT = "district", N_("District")
    CITY = "city", N_("City")
    COMMUNE = "commune", N_("Commune")
    PROVINCE = "province", N_("Province office")
    OTHER = "other", N_("Other")


class ReorganisationChange(Worded):
    RENAME = "rename", N_("Rename")
    MERGE = "merge", N_("Merge")
    SPLIT = "split", N_("Split")
    DISSOLVE = "dissolve", N_("Dissolve into")


class Tier(Worded):
    PROVINCE = "province", N_("Province level")
    DISTRICT = "district", N_("District level")
    COMMUNE = "commune", N_("Commune level")


class OnlineClass(StrEnum):
    """Decree 42/2022 classification of an online public service."""

    WHOLE_PROCESS = "whole_process"
    PARTIAL = "partial"


class ClaimStatus(Worded):
    PENDING = "pending", N_("Awaiting verification"), "text-bg-warning"
    VERIFIED = "verified", N_("Verified"), "text-bg-success"
    RETURNED = "returned", N_("Returned"), "text-bg-danger"


class LevelSource(Worded):
    """Where a service's level change came from."""

    INITIAL = "initial", N_("Initial listing")
    IMPORT = "import", N_("Import")
    CLAIM = "claim", N_("Claim")


class Prerequisite(Worded):
    """What level 4 needs of a service besides its online submission."""

    ONLINE_PAYMENT = "online_payment", N_("Online payment")
    EVALUATION = "evaluation", N_("Evaluation system")
    ONLINE_RESULT = "online_result", N_("Result online")


class TaskKind(Worded):
    UPGRADE = "upgrade", N_("Upgrade")
    GENERAL = "general", N_("General")


class TaskStatus(Worded):
    NEW = "new", N_("New"), "text-bg-info"
    IN_PROGRESS = "in_progress", N_("In progress"), "text-bg-primary"
    REPORTED = "reported", N_("Reported done"), "text-bg-warning"
    DONE = "done", N_("Done"), "text-bg-success"
    RETURNED = "returned", N_("Returned"), "text-bg-danger"
    CANCELLED = "cancelled", N_("Cancelled"), "text-bg-secondary"


class TaskClass(Worded):
    """The Decision 42/2014 classes of tasks: done on time or late, open within or past the date."""

    DONE_ON_TIME = "done_on_time", N_("Done on time"), "text-bg-success"
    DONE_LATE = "done_late", N_("Done late"), "text-bg-warning"
    DONE_SHORT = "done_short", N_("Done with a shortfall"), "text-bg-warning border border-danger"
    OPEN_ON_TIME = "open_on_time", N_("Open, within the deadline"), "text-bg-light border"
    OPEN_OVERDUE = "open_overdue", N_("Open, overdue"), "text-bg-danger"


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


class Priority(Worded):
    LOW = "low", N_("Low")
    NORMAL = "normal", N_("Normal")
    HIGH = "high", N_("High"), "text-bg-warning"
    URGENT = "urgent", N_("Urgent"), "text-bg-danger"


class Decision(Worded):
    PENDING = "pending", N_("Awaiting decision"), "text-bg-warning"
    APPROVED = "approved", N_("Approved"), "text-bg-success"
    REFUSED = "refused", N_("Refused"), "text-bg-secondary"


class OutboxState(Worded):
    PENDING = "pending", N_("Pending"), "text-bg-secondary"
    SENDING = "sending", N_("Sending"), "text-bg-info"
    SENT = "sent", N_("Sent"), "text-bg-success"
    FAILED = "failed", N_("Failed"), "text-bg-danger"


class ReviewKind(Worded):
    WEEKLY = "weekly", N_("Weekly")
    MONTHLY = "monthly", N_("Monthly")
    CUSTOM = "custom", N_("Custom period")


class MailMode(Worded):
    """How an address receives the workflow's e-mails (urgent tasks always go at once)."""

    DIGEST = "digest", N_("One daily digest")
    IMMEDIATE = "immediate", N_("Each e-mail at once")


class IndicatorStatus(Worded):
    """Where a plan's indicator stands against its target (services/forecast.py decides)."""

    MET = "met", N_("met"), "text-bg-success"
    ON_TRACK = "on_track", N_("on track"), "text-bg-primary"
    AT_RISK = "at_risk", N_("at risk"), "text-bg-warning"
    OFF_TRACK = "off_track", N_("off track"), "text-bg-danger"
    NO_FORECAST = "no_forecast", N_("cannot forecast yet"), "text-bg-secondary"
    NO_DATA = "no_data", N_("no data"), "text-bg-light"
