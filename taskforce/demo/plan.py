"""The demo laid out in memory: units' officers, the catalog's history, usage, the tasks' steps.

Every draw comes from one generator seeded with SEED, always in the same order, so the demo is
the same each time; the loader writes the catalog and plays the steps through the services.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from taskforce.demo.people import (
    ACCOUNT_ROWS,
    DEPARTMENT,
    FEMALE_NAMES,
    FOCAL_TITLES,
    MALE_NAMES,
    MEMBERS,
    OFFICER_UNIT,
    SURNAMES,
    UNITS,
)
from taskforce.demo.procedures import PROCEDURES, expand
from taskforce.demo.stories import (
    ACCEPT,
    DECISION_NOTES,
    DOCUMENTS,
    EXTEND,
    EXTENSION_REASON,
    FOUNDED_2020,
    GENERAL_TASKS,
    LISTED_ON,
    NOTE,
    NOTES,
    REFUSE,
    REPORT,
    RETURN,
    START,
    STORIES,
    UPGRADE_DESCRIPTION,
    UPGRADE_TASKS,
    UPGRADE_TITLE,
)
from taskforce.models import ClaimStatus, OnlineClass, TaskKind

SEED = 2020
# Viet Nam keeps UTC+7 all year, so a fixed offset is exact.
LOCAL = timezone(timedelta(hours=7))
# The steps besides the story's own actions: the leader creates the task; an extension is
# asked for, then decided.
CREATE, ASK, DECIDE = "create", "ask", "decide"
LEADER = "leader"

# Complaints, ethnic affairs and civil-service procedures charge no fee.
FREE_UNITS = ("TTR", "BDT", "SNV")
FEE_SHARE = 0.6
TOTAL_SERVICES = sum(count for _code, _name, _kind, count, _lag in UNITS)

# How the catalog stands, by rank from the most advanced service: 80 at level 4 on 1 January
# (20 %), 96 on 31 August (24.06 %, the article's figure), 104 at the founding (26 %).
LEVEL4_LISTED = 80
UPGRADED_BY_AUGUST = 16
UPGRADED_BY_FOUNDING = 8
LEVEL3 = 172
RAISED_TO_LEVEL3 = 20
LEVEL1 = 8
UPGRADE_WINDOWS = ((date(2020, 3, 2), date(2020, 8, 28)), (date(2020, 9, 1), date(2020, 10, 14)))
RAISE_WINDOW = (date(2020, 2, 3), date(2020, 7, 31))
USAGE_SHARE = 0.62
# The province counts digitised dossiers from September 2020 (the 2025 plan's indicator).
DIGITISED_FROM = date(2020, 9, 1)
IDLE_SHARE = 0.15


def shift(day, founded_on):
    """Move a date of the 2020 story to the same place relative to ``founded_on``."""
    return day + (founded_on - FOUNDED_2020)


def moment(day, hour):
    """The UTC moment of ``hour`` o'clock, province time, on ``day``."""
    return datetime.combine(day, time(hour), LOCAL).astimezone(UTC)


@dataclass(eq=False)
class ServicePlan:
    """A service of the catalog: what it is, its verified level history, how its claims went."""

    unit: str
    field: str
    name: str
    code: str
    has_fee: bool
    # (day, from level, to level, source), in date order, verified only
    history: list = field(default_factory=list)
    claim: str | None = None
    claimed_on: date | None = None
    in_task: bool = False
    online_class: OnlineClass | None = None
    # The level-4 prerequisites before the stories: a verified claim's checklist adds to them.
    flags: dict = field(default_factory=dict)

    @property
    def level(self):
        return self.history[-1][2]

    @property
    def listed_level(self):
        """The level before any claim of the stories."""
        return [to for _on, _old, to, source in self.history if source != "claim"][-1]

    def level_on(self, day):
        levels = [to for on, _old, to, _source in self.history if on <= day]
        return levels[-1] if levels else None


@dataclass(eq=False)
class TaskPlan:
    """A task as the leader creates it, and the account that logs its work."""

    kind: str
    title: str
    unit: str | None  # the unit's code
    follower: int  # order in the roster, as the assignee
    priority: str
    due_on: date
    doc: tuple  # number, date, title of the directive
    reporter: str  # the account that logs the work (the e-mail's local part)
    description: str = ""
    assignee: int | None = None
    services: list = field(default_factory=list)  # ServicePlan


@dataclass
class Step:
    """One step of a task's story: who does what, on which local day and at which moment."""

    at: datetime
    on: date
    action: str
    task: TaskPlan
    actor: str  # the account (the e-mail's local part)
    note: str = ""
    progress: int | None = None
    days: int = 0  # how much later a requested due date is
    approve: bool = False


@dataclass
class Plan:
    """Everything the loader writes, in the calendar that starts on ``founded_on``."""

    founded_on: date
    focal: dict  # unit code -> (focal officer's name, title)
    services: list  # ServicePlan, in the catalog's order
    steps: list  # Step, every creation first, then the stories in time order
    usage: list  # (ServicePlan, monthly row)


@dataclass
class _Job:
    """A task in the calendar of 2020: its story, the day it is created, its first due date."""

    task: TaskPlan
    story: str
    created_on: date
    due: date


def plan(founded_on, today):
    """Lay out the demo founded on ``founded_on``; nothing happens after ``today``."""
    return _Planner(founded_on, today).run()


class _Planner:
    """Draws the demo in the calendar of 2020, then moves every date by the founding date."""

    def __init__(self, founded_on, today):
        self.rng = random.Random(SEED)
        # Its own draws, so that adding the digitised figures moved none of the others.
        self.digitised_rng = random.Random(SEED + 1)
        self.founded_on = founded_on
        self.offset = founded_on - FOUNDED_2020
        self.today = today
        # Today in the 2020 calendar: every event is planned and cut in that calendar.
        self.story_today = today - self.offset

    def run(self):
        focal = {code: (self._person(), self.rng.choice(FOCAL_TITLES[kind]))
                 for code, _name, kind, _count, _lag in UNITS}
        services = self._plan_catalog()
        jobs = self._plan_tasks(services)
        steps = [step for job in jobs for step in self._story(job)]
        for service in services:
            service.online_class = self._online_class(service.level)
            service.flags = self._flags(service)
        # Every task is created first, in the tables' order, so that their ids (and with them
        # the order of tasks due on the same day in every list) stay as they have always been;
        # the stories then play in time order.
        created = [step for step in steps if step.action == CREATE]
        played = sorted((step for step in steps if step.action != CREATE), key=lambda s: s.at)
        return Plan(self.founded_on, focal, services, created + played, self._usage(services))

    def on(self, day):
        return shift(day, self.founded_on)

    def at(self, day, hour):
        return moment(self.on(day), hour)

    def _person(self):
        middles, givens = self.rng.choice((MALE_NAMES, FEMALE_NAMES))
        return " ".join((self.rng.choice(SURNAMES), self.rng.choice(middles),
                         self.rng.choice(givens)))

    def _plan_catalog(self):
        codes = self._codes()
        services = []
        for code, _name, kind, count, _lag in UNITS:
            pool = self._pool(code if kind == DEPARTMENT else "district")
            for index in sorted(self.rng.sample(range(len(pool)), count)):
                field_name, name = pool[index]
                has_fee = code not in FREE_UNITS and self.rng.random() < FEE_SHARE
                services.append(ServicePlan(code, field_name, name, codes[name], has_fee))
        self._plan_levels(services)
        return services

    @staticmethod
    def _pool(key):
        return [(field_name, name) for field_name, patterns in PROCEDURES[key].items()
                for pattern in patterns for name in expand(pattern)]

    def _codes(self):
        names = list(dict.fromkeys(name for key in PROCEDURES for _f, name in self._pool(key)))
        numbers = self.rng.sample(range(1000, 13000), len(names))
        # National codes start with 1 or 2 followed by six digits, e.g. 1.001234.
        return {name: f"{1 if number % 3 else 2}.{number:06d}"
                for name, number in zip(names, numbers, strict=True)}

    def _plan_levels(self, services):
        lag = {code: value for code, _n, _k, _c, value in UNITS}
        ranked = sorted(services, key=lambda s: self.rng.random() + lag[s.unit])
        bounds = self._bounds()
        for rank, service in enumerate(ranked):
            service.history.append((LISTED_ON, None, self._listed_level(rank, bounds),
                                    "initial"))
        for start, stop, window in ((bounds[0], bounds[1], UPGRADE_WINDOWS[0]),
                                    (bounds[1], bounds[2], UPGRADE_WINDOWS[1])):
            for service in ranked[start:stop]:
                service.history.append((self._day_in(window), 3, 4, "import"))
        for service in self.rng.sample(ranked[bounds[2]:bounds[3]], RAISED_TO_LEVEL3):
            service.history[0] = (LISTED_ON, None, 2, "initial")
            service.history.append((self._day_in(RAISE_WINDOW), 2, 3, "import"))

    @staticmethod
    def _bounds():
        first = LEVEL4_LISTED
        second = first + UPGRADED_BY_AUGUST
        third = second + UPGRADED_BY_FOUNDING
        return first, second, third, third + LEVEL3

    @staticmethod
    def _listed_level(rank, bounds):
        if rank < bounds[0]:
            return 4
        if rank < bounds[3]:
            return 3
        return 1 if rank >= TOTAL_SERVICES - LEVEL1 else 2

    def _day_in(self, window):
        start, stop = window
        return start + timedelta(days=self.rng.randrange((stop - start).days + 1))

    def _plan_tasks(self, services):
        followers = {code: order for order, row in enumerate(MEMBERS, start=1) for code in row[5]}
        linked = {member: email.split("@")[0] for email, _role, _label, member in ACCOUNT_ROWS
                  if member is not None}
        jobs = [self._upgrade_job(row, services, followers, linked) for row in UPGRADE_TASKS]
        jobs += [self._general_job(row, linked) for row in GENERAL_TASKS]
        # A task exists from the day after its directive; later ones are not there yet.
        return [job for job in jobs if job.created_on <= self.story_today]

    def _upgrade_job(self, row, services, followers, linked):
        code, count, due, story, priority = row
        candidates = [s for s in services if s.unit == code and s.level == 3 and not s.in_task]
        picked = sorted(self.rng.sample(candidates, min(count, len(candidates))),
                        key=lambda s: s.code)
        for service in picked:
            service.in_task = True
        follower = followers[code]
        reporter = "officer" if code == OFFICER_UNIT else linked.get(follower, "deputy")
        task = TaskPlan(TaskKind.UPGRADE, UPGRADE_TITLE.format(count=len(picked)), code,
                        follower, priority, self.on(due), self._document("plan"), reporter,
                        description=UPGRADE_DESCRIPTION.format(number=DOCUMENTS["plan"][0]),
                        services=picked)
        return self._job(task, story, due, "plan")

    def _general_job(self, row, linked):
        title, code, assignee, due, story, priority, source = row
        task = TaskPlan(TaskKind.GENERAL, title, code, 1, priority, self.on(due),
                        self._document(source), linked.get(assignee, "deputy"),
                        assignee=assignee)
        return self._job(task, story, due, source)

    def _document(self, source):
        number, days, title = DOCUMENTS[source]
        return number, self.on(FOUNDED_2020 + timedelta(days=days)), title

    @staticmethod
    def _job(task, story, due, source):
        issued = FOUNDED_2020 + timedelta(days=DOCUMENTS[source][1])
        return _Job(task, story, issued + timedelta(days=1), due)

    def _story(self, job):
        """The steps of the task's story that happened by today, its creation first."""
        task, day = job.task, job.created_on
        steps = [Step(self.at(day, 8), self.on(day), CREATE, task, LEADER)]
        for index, (offset, action, value) in enumerate(STORIES[job.story]):
            day = max(day, job.due + timedelta(days=offset), job.created_on + timedelta(days=1))
            if day > self.story_today:
                break
            when = self.at(day, 8 + index)
            if action in (EXTEND, REFUSE):
                steps += self._extension(task, day, when, value, approve=action == EXTEND)
                continue
            actor = task.reporter if action in (START, NOTE, REPORT) else LEADER
            # An upgrade task's progress is the share of its services verified, never typed.
            progress = value if task.kind == TaskKind.GENERAL else None
            steps.append(Step(when, self.on(day), action, task, actor,
                              note=self.rng.choice(NOTES[(task.kind, action)]),
                              progress=progress))
            self._settle_claims(task, action, day)
        return steps

    def _extension(self, task, day, when, days, approve):
        steps = [Step(when, self.on(day), ASK, task, task.reporter, note=EXTENSION_REASON,
                      days=days)]
        decided = day + timedelta(days=1)
        if decided <= self.story_today:
            steps.append(Step(self.at(decided, 14), self.on(decided), DECIDE, task, LEADER,
                              note=DECISION_NOTES[approve], approve=approve))
        return steps

    @staticmethod
    def _settle_claims(task, action, day):
        """Follow the claims a step makes or decides, for the catalog's later draws."""
        for service in task.services:
            if action == REPORT and service.claim in (None, ClaimStatus.RETURNED):
                service.claim, service.claimed_on = ClaimStatus.PENDING, day
            elif action in (ACCEPT, RETURN) and service.claim == ClaimStatus.PENDING:
                service.claim = ClaimStatus.VERIFIED if action == ACCEPT else ClaimStatus.RETURNED
                if action == ACCEPT:
                    service.history.append((service.claimed_on, 3, 4, "claim"))

    def _online_class(self, level):
        # The 2022 classification is filled in for some services only, as it is in practice.
        if level == 4 and self.rng.random() < 0.7:
            return OnlineClass.WHOLE_PROCESS
        if level == 3 and self.rng.random() < 0.5:
            return OnlineClass.PARTIAL
        return None

    def _flags(self, service):
        flags = self._prerequisites(service)
        if service.claim == ClaimStatus.VERIFIED:
            # Missing until the verified claim's checklist brings them.
            return dict.fromkeys(flags, False)
        return flags

    def _prerequisites(self, service):
        # A pending claim's checklist reaches the service only when the claim is verified.
        if service.level == 4:
            payment, evaluation, result = service.has_fee, True, True
        elif service.level < 3:
            payment = evaluation = result = False
        elif service.claim == ClaimStatus.RETURNED:
            # What the verifier found missing, as the return reason says.
            payment, evaluation, result = False, True, service.has_fee
        else:
            payment = service.has_fee and self.rng.random() < 0.35
            evaluation, result = self.rng.random() < 0.6, self.rng.random() < 0.4
        return {"has_online_payment": payment, "is_connected_evaluation": evaluation,
                "has_online_result": result}

    def _usage(self, services):
        """[(service, row)]: a service's monthly dossiers, for the services that have any."""
        months = self._months()
        rows = []
        for service in services:
            if service.level < 4 and self.rng.random() >= USAGE_SHARE:
                continue
            idle = self.rng.random() < IDLE_SHARE
            # Cubed, so most services get a few dossiers a month and a few get hundreds.
            volume = 5 + 295 * self.rng.random() ** 3
            rows += [(service, self._usage_row(service, month, volume, idle))
                     for month in months]
        return rows

    def _months(self):
        month, last = self.on(LISTED_ON).replace(day=1), self.today.replace(day=1)
        months = []
        while month <= last:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def _usage_row(self, service, month, volume, idle):
        end = min(month + relativedelta(months=1, days=-1), self.today)
        level = service.level_on(end - self.offset)
        total = min(300, round(volume * self.rng.uniform(0.6, 1.4)))
        online = paid = 0
        if level == 4 and not idle:
            online = max(1, round(total * self.rng.uniform(0.25, 0.75)))
            paid = round(online * self.rng.uniform(0.5, 1.0)) if service.has_fee else 0
        elif level == 3 and not idle:
            online = round(total * self.rng.uniform(0.0, 0.3))
        digitised = None
        start = self.on(DIGITISED_FROM)
        if month >= start:
            # A quarter at first, three points more each month, as scanning spreads.
            months = (month.year - start.year) * 12 + month.month - start.month
            share = 0.25 + 0.03 * months + self.digitised_rng.uniform(-0.1, 0.1)
            digitised = round(total * min(1.0, max(0.0, share)))
        return {"month": month, "dossiers_total": total, "dossiers_online": online,
                "dossiers_paid_online": paid, "dossiers_digitised": digitised}
