"""The scheduler: APScheduler 3 running the JOBS table while it holds the database lease.

Several schedulers may be started (a standby on another host, the dev server and a
``flask scheduler`` by mistake); the row ``main`` of scheduler_lease lets only one run
the jobs. The holder renews it every SCHEDULER_RENEW_SECONDS; when the holder dies the
lease runs out after SCHEDULER_LEASE_SECONDS and the next standby to try takes it over,
so a takeover happens within LEASE + RENEW seconds (under a minute by default). The
jobs' own unique keys make double work harmless should two schedulers ever overlap.
On becoming active a scheduler makes each missed review run once.
"""

import atexit
import logging
import os
import socket
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import click
from flask.helpers import get_debug_flag
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from taskforce.extensions import db
from taskforce.jobs import JOBS, JOBS_BY_ID
from taskforce.models import SchedulerLease
from taskforce.models.types import utcnow
from taskforce.services import settings
from taskforce.services.crontab import parse_crontab

log = logging.getLogger(__name__)

LEASE_NAME = "main"
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
# Windows searched for a trigger's last run: short ones first, so that a frequent crontab
# is stepped through only a few times.
LOOKBACK = (timedelta(hours=2), timedelta(days=2), timedelta(days=16), timedelta(days=64),
            timedelta(days=400))


def _background_scheduler(**options):
    # APScheduler's scheduler (threads, executors) is imported by the process that runs one.
    from apscheduler.schedulers.background import BackgroundScheduler

    return BackgroundScheduler(**options)


def _interval_trigger(**every):
    from apscheduler.triggers.interval import IntervalTrigger

    return IntervalTrigger(**every)


# Crontabs -------------------------------------------------------------------------------------

def checked_crontab(expression, timezone, source):
    """``parse_crontab``, or a RuntimeError that names ``source`` and says what is wrong."""
    try:
        return parse_crontab(expression, timezone)
    except (ValueError, TypeError) as error:
        raise RuntimeError(f"{source} = {expression!r} is not a valid crontab schedule "
                           f"(minute hour day month weekday, e.g. '30 7 * * mon'): {error}"
                           ) from None


def check_schedule(config):
    """Refuse at start a crontab that does not parse or lease timings that cannot work."""
    zone = ZoneInfo(config["TIMEZONE"])
    for spec in JOBS:
        if spec.cron_key:
            checked_crontab(config.get(spec.cron_key), zone, spec.cron_key)
    lease, renew = config.get("SCHEDULER_LEASE_SECONDS"), config.get("SCHEDULER_RENEW_SECONDS")
    if not (isinstance(lease, int) and isinstance(renew, int) and 0 < renew < lease):
        raise RuntimeError("SCHEDULER_RENEW_SECONDS must be a positive number of seconds "
                           f"below SCHEDULER_LEASE_SECONDS (got {renew!r} and {lease!r}).")


def last_fire_time(trigger, now):
    """The latest time at or before ``now`` when ``trigger`` fires, or None within a year."""
    for window in LOOKBACK:
        fired, moment = None, now - window
        while True:
            upcoming = trigger.get_next_fire_time(None, moment)
            if upcoming is None or upcoming > now:
                break
            fired, moment = upcoming, upcoming + timedelta(microseconds=1)
        if fired is not None:
            return fired
    return None


# The lease ------------------------------------------------------------------------------------

def acquire_lease(session, *, holder, now, seconds, name=LEASE_NAME):
    """Renew the lease, or take it when it is missing or has run out; whether it is held.

    Each step is one conditional statement, so two schedulers asking at once cannot
    both win. Flushes; the caller commits.
    """
    expires = now + timedelta(seconds=seconds)
    lease = SchedulerLease.__table__.c
    renewed = session.execute(update(SchedulerLease.__table__)
                              .where(lease.name == name, lease.holder == holder)
                              .values(expires_at=expires)).rowcount
    if renewed:
        return True
    taken = session.execute(update(SchedulerLease.__table__)
                            .where(lease.name == name, lease.expires_at < now)
                            .values(holder=holder, acquired_at=now, expires_at=expires)).rowcount
    if taken:
        return True
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    created = session.scalar(insert(SchedulerLease.__table__)
                             .values(name=name, holder=holder, acquired_at=now,
                                     expires_at=expires)
                             .on_conflict_do_nothing(index_elements=["name"])
                             .returning(lease.name))
    return created is not None


def release_lease(session, *, holder, now, name=LEASE_NAME):
    """Let the lease go at once if ``holder`` has it, so a standby takes over at its next try."""
    lease = SchedulerLease.__table__.c
    return bool(session.execute(update(SchedulerLease.__table__)
                                .where(lease.name == name, lease.holder == holder)
                                .values(expires_at=now)).rowcount)


def lease_holder(session, now, name=LEASE_NAME):
    """The holder of an unexpired lease, or None."""
    return session.scalar(select(SchedulerLease.holder).where(
        SchedulerLease.name == name, SchedulerLease.expires_at >= now))


# The scheduler --------------------------------------------------------------------------------

def new_holder_id():
    """host:pid:random — unique per scheduler, and tells an operator where it runs."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Scheduler:
    """APScheduler running the JOBS table, doing work only while it holds the lease."""

    def __init__(self, app, holder=None):
        self.app = app
        self.holder = holder or new_holder_id()
        self.zone = ZoneInfo(app.config["TIMEZONE"])
        self.lease_seconds = app.config["SCHEDULER_LEASE_SECONDS"]
        self.renew_seconds = app.config["SCHEDULER_RENEW_SECONDS"]
        self.triggers = {}
        self.crontabs = {}
        self._active_until = None
        self.aps = _background_scheduler(timezone=self.zone, job_defaults=JOB_DEFAULTS)

    # -- triggers

    def _crontab(self, spec):
        """The crontab in force for ``spec``: the setting when set, else the configuration."""
        default = self.app.config[spec.cron_key]
        try:
            with self.app.app_context():
                value = settings.get(db.session, spec.setting_key, default)
        except SQLAlchemyError:
            log.warning("Settings unreadable; using %s from the configuration", spec.cron_key)
            return default, spec.cron_key
        return (value or default), (f"setting {spec.setting_key}" if value else spec.cron_key)

    def load_triggers(self):
        """Each job's trigger; a crontab that does not parse is a RuntimeError naming it."""
        triggers, crontabs = {}, {}
        for spec in JOBS:
            if spec.cron_key:
                expression, source = self._crontab(spec)
                triggers[spec.id] = checked_crontab(expression, self.zone, source)
                crontabs[spec.id] = expression
            elif spec.cron:
                triggers[spec.id] = checked_crontab(spec.cron, self.zone, spec.id)
            else:
                triggers[spec.id] = _interval_trigger(timezone=self.zone, **spec.every)
        self.triggers, self.crontabs = triggers, crontabs
        return triggers

    def _refresh_crontabs(self):
        """Follow crontabs changed on the settings page, keeping the old one when bad."""
        for spec in JOBS:
            if not spec.cron_key:
                continue
            expression, source = self._crontab(spec)
            if expression == self.crontabs.get(spec.id):
                continue
            try:
                trigger = checked_crontab(expression, self.zone, source)
            except RuntimeError as error:
                log.error("%s; keeping %r", error, self.crontabs.get(spec.id))
                self.crontabs[spec.id] = expression
                continue
            self.triggers[spec.id], self.crontabs[spec.id] = trigger, expression
            self.aps.reschedule_job(spec.id, trigger=trigger)
            log.info("Job %s now runs at %r", spec.id, expression)

    # -- running

    def start(self):
        """Schedule the jobs and the lease renewal, and start the scheduler's thread."""
        for spec_id, trigger in self.load_triggers().items():
            self.aps.add_job(self.run_job, trigger=trigger, args=[spec_id], id=spec_id,
                             name=spec_id, replace_existing=True)
        self.aps.add_job(self.tick, _interval_trigger(seconds=self.renew_seconds,
                                                      timezone=self.zone),
                         id="lease", name="lease", next_run_time=utcnow(),
                         misfire_grace_time=None)  # a late renewal is still worth making
        self.aps.start()
        self.app.logger.info("Scheduler %s started", self.holder)

    def shutdown(self, wait=True):
        """Stop the jobs and give the lease up, so a standby takes over at once."""
        if self.aps.running:
            self.aps.shutdown(wait=wait)
        self._active_until = None
        try:
            with self.app.app_context():
                release_lease(db.session, holder=self.holder, now=utcnow())
                db.session.commit()
        except SQLAlchemyError:
            log.exception("Could not release the scheduler lease")

    def is_active(self, now=None):
        """Whether this scheduler holds the lease (with a margin before it runs out)."""
        return self._active_until is not None and (now or utcnow()) < self._active_until

    def tick(self, now=None):
        """Take or renew the lease; on becoming active, make the missed review runs."""
        now = now or utcnow()
        was_active = self.is_active(now)
        try:
            with self.app.app_context():
                held = acquire_lease(db.session, holder=self.holder, now=now,
                                     seconds=self.lease_seconds)
                db.session.commit()
        except SQLAlchemyError:
            log.exception("Could not renew the scheduler lease")
            held = False
        # Stop counting on the lease one renewal before it runs out in the database.
        self._active_until = (now + timedelta(seconds=self.lease_seconds - self.renew_seconds)
                              if held else None)
        if held and not was_active:
            log.info("Scheduler %s is now the active one", self.holder)
            if self.aps.running:
                self.aps.add_job(self.catch_up, id="catch_up", name="catch_up",
                                 replace_existing=True)
        elif was_active and not held:
            log.warning("Scheduler %s lost the lease; standing by", self.holder)
        if held and self.aps.running:
            self._refresh_crontabs()
        return held

    def run_job(self, spec_id, **kwargs):
        """Run one job of the table if this scheduler is the active one."""
        if not self.is_active():
            log.debug("Standing by: %s not run here", spec_id)
            return None
        return JOBS_BY_ID[spec_id].function(self.app, **kwargs)

    def catch_up(self, now=None):
        """Make once each review run missed while no scheduler was active; the ids made."""
        now = now or utcnow()
        if not self.is_active(now):
            return []
        if not self.triggers:
            self.load_triggers()
        made = []
        for spec in JOBS:
            fired = last_fire_time(self.triggers[spec.id], now) if spec.catch_up else None
            if fired is not None:
                review_id = spec.function(self.app, today=fired.astimezone(self.zone).date())
                if review_id is not None:
                    log.info("Made the missed %s run of %s", spec.id, fired.isoformat())
                    made.append(review_id)
        return made


# Where it runs --------------------------------------------------------------------------------

def serving_dev_server(environ=None):
    """Whether this process serves ``flask run`` (the reloader's child when reloading)."""
    environ = os.environ if environ is None else environ
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return False
    if environ.get("WERKZEUG_RUN_MAIN") == "true":
        return True
    reload = context.params.get("reload")
    # `flask run` reloads by default in debug mode; the watching parent must not schedule.
    return not (get_debug_flag() if reload is None else reload)


def should_embed(app, environ=None):
    """Whether to run the scheduler inside this process: the dev server, once, never in tests."""
    if app.testing or not app.config.get("SCHEDULER_ENABLED"):
        return False
    return serving_dev_server(environ)


def start_embedded(app):
    """Start the scheduler in the background of the development server."""
    scheduler = Scheduler(app)
    scheduler.start()
    app.extensions["taskforce.scheduler"] = scheduler
    atexit.register(scheduler.shutdown, wait=False)
    return scheduler
