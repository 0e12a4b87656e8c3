"""Scheduled jobs: plain functions that push an app context, call the services, commit once.

``JOBS`` is the one table of what runs and when; the scheduler (taskforce.scheduler)
reads it. Each job takes the app and, for tests and catch-up runs, an explicit
``today``/``now``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from taskforce.extensions import db
from taskforce.models import ReviewKind
from taskforce.services import clock, review_mail, reviews


@dataclass(frozen=True)
class JobSpec:
    """One row of the JOBS table: an interval (``every``), a fixed crontab (``cron``, in the
    province's time zone) or a crontab read from ``cron_key``."""

    id: str
    function: Callable
    every: dict = field(default_factory=dict)
    cron_key: str | None = None
    catch_up: bool = False
    cron: str | None = None

    @property
    def setting_key(self):
        """The settings key that overrides the configured crontab (e.g. review_weekly_cron)."""
        return self.cron_key.lower() if self.cron_key else None


def plan_reminders_job(app, *, today=None, now=None):
    """Insert the deadline reminders due by today, and the day's workflow digests, into the
    outbox."""
    from taskforce.services import reminders
    from taskforce.services.mail import workflow

    with app.app_context():
        today, now = today or clock.today(), now or clock.now()
        summary = reminders.plan_reminders(db.session, today=today, now=now)
        workflow.send_digests(db.session, today=today, now=now)
        db.session.commit()
        return summary


def deliver_job(app, *, now=None):
    """Send the outbox messages that are due, over one connection, then the webhooks."""
    from taskforce.services import webhooks
    from taskforce.services.mail import delivery, transports

    with app.app_context():
        result = delivery.deliver_pending(db.session, now=now or clock.now(),
                                          transport=transports.transport_for(app.config),
                                          today=None if now else clock.today())
        db.session.commit()
        webhooks.deliver(db.session, now=now or clock.now())
        return result


def review_job(app, kind, *, today=None, now=None):
    """Build the review of ``kind`` due today and queue its e-mails, unless it exists.

    Returns the new review's id, or None when the period was reviewed already.
    """
    with app.app_context():
        now = now or clock.now()
        review, made = reviews.ensure_review(db.session, kind=kind, today=today or clock.today(),
                                             now=now)
        if made:
            review_mail.send_review(db.session, review, now=now)
        db.session.commit()
        return review.id if made else None


def weekly_review_job(app, *, today=None, now=None):
    """Build and e-mail last week's review (Monday to Sunday)."""
    return review_job(app, ReviewKind.WEEKLY, today=today, now=now)


def monthly_review_job(app, *, today=None, now=None):
    """Build and e-mail last month's review."""
    return review_job(app, ReviewKind.MONTHLY, today=today, now=now)


def reorganisations_job(app, *, today=None, now=None):
    """Hand over the work of the units reorganised with effect by today."""
    from taskforce.services import reorganisations

    with app.app_context():
        applied = reorganisations.apply_due(db.session, today=today or clock.today(),
                                            now=now or clock.now())
        db.session.commit()
        return applied


JOBS = (
    JobSpec("plan_reminders", plan_reminders_job, every={"minutes": 15}),
    JobSpec("deliver", deliver_job, every={"minutes": 1}),
    JobSpec("weekly_review", weekly_review_job, cron_key="REVIEW_WEEKLY_CRON", catch_up=True),
    JobSpec("monthly_review", monthly_review_job, cron_key="REVIEW_MONTHLY_CRON", catch_up=True),
    # At the top of every hour of the province's clock: a reorganisation takes effect at the
    # first minute of its date (the figures of that day show its units), and within the hour
    # when the scheduler was down at midnight.
    JobSpec("reorganisations", reorganisations_job, cron="0 * * * *"),
)
JOBS_BY_ID = {spec.id: spec for spec in JOBS}
