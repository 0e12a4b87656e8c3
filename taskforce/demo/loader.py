"""Load the demo: the task force as founded, then each task's story played through the services."""

import dataclasses
from datetime import timedelta

from sqlalchemy import insert, select

from taskforce.demo import plan as planner
from taskforce.demo.people import ACCOUNT_ROWS, MEMBERS, OFFICER_UNIT, OTHER_NAMES, PASSWORD, UNITS
from taskforce.demo.stories import (
    ACCEPT,
    CANCEL,
    CLAIM_EVIDENCE,
    FOUNDED_2020,
    LISTED_ON,
    NOTE,
    REPORT,
    RETURN,
    RETURN_REASONS,
    START,
    TARGET_ON,
)
from taskforce.demo.targets import PLANS
from taskforce.models import (
    ClaimStatus,
    LevelChange,
    Member,
    Role,
    Service,
    ServiceUsage,
    TaskStatus,
    Tier,
    Unit,
    User,
)
from taskforce.services import catalog, plans, settings, tasks
from taskforce.services.accounts import hash_password
from taskforce.services.text import fold

DAYS_TO_TODAY = 45


def is_empty(session):
    """Tell whether the database has no users, units and services yet."""
    return all(session.scalar(select(model.id).limit(1)) is None for model in (User, Unit, Service))


def load(session, *, founded_on, today=None):
    """Add the demo task force founded on ``founded_on``; nothing dated after ``today``.

    ``today`` defaults to 45 days after the founding. Returns counts of what was added.
    """
    today = today or founded_on + timedelta(days=DAYS_TO_TODAY)
    if today < founded_on:
        raise ValueError("today must not be before the founding date")
    return _Loader(session, planner.plan(founded_on, today)).run()


def _checklist(service):
    """The level-4 checklist as the claimant ticks it: all that the service needs."""
    return {"online_processing": True, "online_payment": service.has_fee,
            "online_result": True, "evaluation": True}


class _Loader:
    """Writes the plan: the founding state as rows, every task's step through its service."""

    def __init__(self, session, plan):
        self.session = session
        self.plan = plan
        self.units = {}  # code -> Unit
        self.users = {}  # account key (the e-mail's local part) -> User
        self.members = []  # in the roster's order
        self.services = {}  # ServicePlan -> Service
        self.tasks = {}  # TaskPlan -> Task
        self.requests = {}  # TaskPlan -> its extension request awaiting a decision

    def run(self):
        self.units = self._add_units()
        self.users = self._add_users()
        self.members = self._add_members()
        self.services = self._add_services()
        self._add_level_history()
        for step in self.plan.steps:
            self._play(step)
        self._add_usage()
        self._add_settings()
        self._add_plans()
        return {"units": len(self.units), "services": len(self.services),
                "tasks": len(self.tasks), "members": len(self.members),
                "accounts": len(self.users)}

    def on(self, day):
        return planner.shift(day, self.plan.founded_on)

    def at(self, day, hour):
        return planner.moment(self.on(day), hour)

    def _add_units(self):
        units = {}
        for order, (code, name, kind, _count, _lag) in enumerate(UNITS, start=1):
            slug = code.lower()
            focal_name, focal_title = self.plan.focal[code]
            units[code] = Unit(
                code=code, name=name, name_key=fold(name), kind=kind, display_order=order,
                focal_name=focal_name, focal_title=focal_title,
                focal_email=f"dau-moi.{slug}@backan.test",
                # No exchange starts with 000, so these numbers reach nobody.
                focal_phone=f"0209 000 {order:04d}",
                notify_emails=f"vanthu.{slug}@backan.test")
        self.session.add_all(units.values())
        self.session.flush()
        return units

    def _add_users(self):
        password_hash = hash_password(PASSWORD)
        users = {}
        for email, role, _label, member in ACCOUNT_ROWS:
            key = email.split("@")[0]
            if member is not None:
                full_name = MEMBERS[member - 1][0]
            elif role == Role.UNIT_OFFICER:
                full_name = self.units[OFFICER_UNIT].focal_name
            else:
                full_name = OTHER_NAMES[key]
            users[key] = User(
                email=email, full_name=full_name, password_hash=password_hash, role=role,
                unit_id=self.units[OFFICER_UNIT].id if role == Role.UNIT_OFFICER else None,
                is_verifier=role == Role.MEMBER, locale=None, created_at=self.at(FOUNDED_2020, 8))
        self.session.add_all(users.values())
        self.session.flush()
        return users

    def _add_members(self):
        accounts = {member: self.users[email.split("@")[0]]
                    for email, _role, _label, member in ACCOUNT_ROWS if member is not None}
        members = []
        for order, (name, position, invited, title, organisation, followed) in enumerate(
                MEMBERS, start=1):
            user = accounts.get(order)
            member = Member(full_name=name, position=position, is_invited=invited, title=title,
                            organisation=organisation, display_order=order,
                            user_id=user.id if user else None, email=user.email if user else None)
            member.units = [self.units[code] for code in followed]
            members.append(member)
        self.session.add_all(members)
        self.session.flush()
        return members

    def _add_services(self):
        """The catalog as listed, before any claim of the stories: {ServicePlan: Service}."""
        services = {}
        for plan in self.plan.services:
            unit = self.units[plan.unit]
            services[plan] = Service(
                code=plan.code, name=plan.name, name_key=fold(plan.name), field=plan.field,
                unit_id=unit.id,
                tier=Tier.PROVINCE if unit.kind == planner.DEPARTMENT else Tier.DISTRICT,
                has_fee=plan.has_fee, level=plan.listed_level,
                target_level=4 if plan.in_task else None, online_class=plan.online_class,
                created_at=self.at(LISTED_ON, 8), **plan.flags)
        self.session.add_all(services.values())
        self.session.flush()
        return services

    def _add_level_history(self):
        # Hundreds of rows from before the task force: written at once, as an import would.
        rows = [self._history_row(self.services[plan], entry) for plan in self.plan.services
                for entry in plan.history if entry[3] != "claim"]
        self.session.execute(insert(LevelChange), rows)

    def _history_row(self, service, entry):
        day, old, new, source = entry
        when = self.at(day, 8)
        return {"service_id": service.id, "from_level": old, "to_level": new,
                "effective_on": self.on(day), "status": ClaimStatus.VERIFIED, "source": source,
                "task_id": None, "claimed_by_id": None, "claimed_at": when,
                "verified_by_id": None, "verified_at": when, "return_reason": None,
                "evidence_note": None, "prerequisites": None}

    def _play(self, step):
        actor = self.users[step.actor]
        if step.action == planner.CREATE:
            self.tasks[step.task] = self._create(step, actor)
        else:
            PLAYS[step.action](self, step, self.tasks[step.task], actor)

    def _create(self, step, actor):
        spec = step.task
        doc_number, doc_date, doc_title = spec.doc
        return tasks.create_task(self.session, tasks.TaskDraft(
            kind=spec.kind, title=spec.title, due_on=spec.due_on, unit=self.units.get(spec.unit),
            assignee=self.members[spec.assignee - 1] if spec.assignee else None,
            follower=self.members[spec.follower - 1], priority=spec.priority,
            description=spec.description, doc_number=doc_number, doc_date=doc_date,
            doc_title=doc_title, services=tuple(self.services[plan] for plan in spec.services)),
            actor=actor, today=step.on, now=step.at)

    def _log(self, step, task, actor, status=None):
        tasks.log_update(self.session, task, actor=actor, now=step.at, today=step.on,
                         note=step.note, progress=step.progress, status=status)

    def _report(self, step, task, actor):
        """Claim level 4 for each service not yet there, then report the task done."""
        pending = {change.service_id for change in self._pending_claims(task)}
        for service in task.services:
            if service.level < 4 and service.id not in pending:
                tasks.claim_service(self.session, task, service.id, actor=actor, to_level=4,
                                    effective_on=step.on, today=step.on, note=CLAIM_EVIDENCE,
                                    prerequisites=_checklist(service), now=step.at)
        self._log(step, task, actor, status=TaskStatus.REPORTED)

    def _pending_claims(self, task):
        pending = catalog.pending_claims_by_service(self.session, [s.id for s in task.services])
        return [pending[s.id] for s in task.services if s.id in pending]

    def _accept(self, step, task, actor):
        """Verify the task's claims, then accept the task as done."""
        for change in self._pending_claims(task):
            tasks.verify_task_claim(self.session, task, change, actor=actor, now=step.at)
        tasks.accept_task(self.session, task, actor=actor, now=step.at, today=step.on,
                          note=step.note)

    def _return(self, step, task, actor):
        """Return the task's claims with what each lacks, then the task with the reason."""
        for change in self._pending_claims(task):
            catalog.return_claim(self.session, change, actor=actor, now=step.at,
                                 reason=RETURN_REASONS[change.service.has_fee])
        tasks.return_task(self.session, task, actor=actor, now=step.at, today=step.on,
                          reason=step.note)

    def _cancel(self, step, task, actor):
        tasks.cancel_task(self.session, task, actor=actor, now=step.at, today=step.on,
                          reason=step.note)

    def _ask(self, step, task, actor):
        self.requests[step.task] = tasks.request_extension(
            self.session, task, actor=actor, now=step.at, today=step.on,
            requested_due_on=task.due_on + timedelta(days=step.days), reason=step.note)

    def _decide(self, step, _task, actor):
        tasks.decide_extension(self.session, self.requests.pop(step.task), actor=actor,
                               now=step.at, approve=step.approve, note=step.note)

    def _add_usage(self):
        # One row per service and month since the listing: thousands, written at once.
        rows = [{"service_id": self.services[plan].id, **row} for plan, row in self.plan.usage]
        self.session.execute(insert(ServiceUsage), rows)

    def _add_settings(self):
        settings.put(self.session, "target_share", 0.30)
        settings.put(self.session, "target_on", self.on(TARGET_ON).isoformat())
        settings.put(self.session, "national_share", 0.191)
        settings.put(self.session, "founded_on", self.on(FOUNDED_2020).isoformat())
        self.session.flush()


    def _add_plans(self):
        """The plans, made by the leader through the service on the founding day; the first is
        the default."""
        for draft in PLANS:
            draft = dataclasses.replace(
                draft, starts_on=self.on(draft.starts_on), ends_on=self.on(draft.ends_on),
                indicators=tuple(dataclasses.replace(item, milestones=tuple(
                    dataclasses.replace(m, target_on=self.on(m.target_on))
                    for m in item.milestones)) for item in draft.indicators))
            plans.create_plan(self.session, draft, actor=self.users[planner.LEADER],
                              now=self.at(FOUNDED_2020, 8))


# What each step of a story asks of the services (creation aside: it makes the task).
PLAYS = {
    START: _Loader._log,
    NOTE: _Loader._log,
    REPORT: _Loader._report,
    ACCEPT: _Loader._accept,
    RETURN: _Loader._return,
    CANCEL: _Loader._cancel,
    planner.ASK: _Loader._ask,
    planner.DECIDE: _Loader._decide,
}
