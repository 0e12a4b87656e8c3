"""Tasks, the services they cover, extension requests, status updates and files."""

from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.extensions import db
from taskforce.models.enums import OPEN_TASK_STATUSES, Decision, Priority, TaskKind, TaskStatus
from taskforce.models.types import UTCDateTime, utcnow

# Open tasks are a small share of all tasks at scale: lists of open work by due date read
# this partial index instead of walking the due dates of every closed task.
_IS_OPEN = text("status IN ({})".format(", ".join(f"'{s}'" for s in OPEN_TASK_STATUSES)))

task_services = Table(
    "task_services",
    db.metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Task(db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_status_due", "status", "due_on"),
        Index("ix_tasks_unit_status", "unit_id", "status"),
        Index("ix_tasks_open_due", "due_on", "id", postgresql_where=_IS_OPEN,
              sqlite_where=_IS_OPEN),
    )

    # "Open", "overdue" and "due today" are decided here once, for Python (task.is_open())
    # and for SQL (Task.is_open()) alike.
    @hybrid_method
    def is_open(self):
        """Whether the task still awaits work or a decision (not done, not cancelled)."""
        return self.status in OPEN_TASK_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        """The SQL condition "the task is open", with the statuses written out in the order
        of ix_tasks_open_due's own condition: SQLite uses a partial index only for a term
        identical to it, which bound parameters are not (0.1 ms instead of 200 ms for the
        oldest overdue tasks at national size)."""
        statuses = [str(status) for status in OPEN_TASK_STATUSES]
        return cls.status.in_(bindparam("open_statuses", statuses, expanding=True,
                                        literal_execute=True, unique=True))

    @property
    def title_and_unit(self):
        """The title with its unit's name ("… — Sở Tư pháp"), so that the tasks of eleven units
        made from one title tell apart in a calendar or a notification; unchanged when the title
        already ends with the name (the wizard's titles do)."""
        name = self.unit.name if self.unit is not None else ""
        if not name or self.title.endswith(name):
            return self.title
        return f"{self.title} — {name}"

    @hybrid_method
    def is_overdue(self, today):
        """Whether the task is open past its due date on ``today``."""
        return self.is_open() and self.due_on < today

    @is_overdue.inplace.expression
    @classmethod
    def _is_overdue_expression(cls, today):
        return and_(cls.is_open(), cls.due_on < today)

    def is_due_today(self, today):
        """Whether the task is open and due on ``today``."""
        return self.is_open() and self.due_on == today

    @property
    def has_shortfall(self):
        """Whether the task was accepted with services not verified at level 4."""
        return self.shortfall_reason is not None

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=TaskKind.GENERAL)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    follower_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    original_due_on: Mapped[date] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(20), default=Priority.NORMAL)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.NEW)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    doc_number: Mapped[str | None] = mapped_column(String(100))
    doc_date: Mapped[date | None] = mapped_column(Date)
    doc_title: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whoever last reported the task done: separation of duties keeps them from accepting it.
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    # Set when an upgrade task was accepted with services not verified at level 4: why.
    shortfall_reason: Mapped[str | None] = mapped_column(Text)

    unit: Mapped["Unit | None"] = relationship()  # noqa: F821
    assignee: Mapped["Member | None"] = relationship(foreign_keys=[assignee_id])  # noqa: F821
    follower: Mapped["Member | None"] = relationship(foreign_keys=[follower_id])  # noqa: F821
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    services: Mapped[list["Service"]] = relationship(  # noqa: F821
        secondary=task_services, order_by="Service.code"
    )
    updates: Mapped[list["StatusUpdate"]] = relationship(
        back_populates="task", order_by="StatusUpdate.created_at"
    )
    extensions: Mapped[list["ExtensionRequest"]] = relationship(
        back_populates="task", order_by="ExtensionRequest.requested_at"
    )


class ExtensionRequest(db.Model):
    """A request to move a task's due date, and the leadership's decision."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    previous_due_on: Mapped[date] = mapped_column(Date)
    requested_due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str] = mapped_column(String(20), default=Decision.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    task: Mapped["Task"] = relationship(back_populates="extensions")
    requested_by: Mapped["User | None"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821


class StatusUpdate(db.Model):
    """One entry of a task's timeline: progress, a note, a change of status."""

    __tablename__ = "status_updates"
    __table_args__ = (Index("ix_status_updates_task_created", "task_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    progress: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    status_from: Mapped[str | None] = mapped_column(String(20))
    status_to: Mapped[str | None] = mapped_column(String(20))

    task: Mapped["Task"] = relationship(back_populates="updates")
    author: Mapped["User | None"] = relationship()  # noqa: F821
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="update")


class Attachment(db.Model):
    """An uploaded evidence file, stored under instance/ with a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"),
                                                index=True)
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_updates.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    update: Mapped["StatusUpdate | None"] = relationship(back_populates="attachments")
