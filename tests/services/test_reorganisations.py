"""Reorganisations: each kind recorded and handed over, the refusals, and nothing written."""

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import (
    AuditEvent,
    Reorganisation,
    Role,
    Service,
    ServiceUnit,
    TaskStatus,
    Unit,
    UnitKind,
)
from taskforce.services import reorganisations as reorg
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.reorganisations import ReorganisationDraft, Successor
from tests import factories

TODAY = date(2021, 3, 1)
NOW = datetime(2021, 3, 1, 2, 0, tzinfo=UTC)
ON = date(2021, 1, 1)


@pytest.fixture
def admin(app):
    return factories.user(Role.ADMIN)


@pytest.fixture
def districts(app):
    a = factories.unit("Huyện A", kind=UnitKind.DISTRICT, code="HA", focal_email="a@example.test",
                        started_on=date(2020, 1, 1))
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, code="HB",
                       notify_emails="b@example.test")
    for unit in (a, b):
        for code in ("1.001", "1.002"):
            factories.service(unit, level=3, code=code, listed_on=date(2020, 1, 1))
    return a, b


def draft(change, from_codes, *successors, on=ON):
    return ReorganisationDraft(effective_on=on, change=change, from_codes=tuple(from_codes),
                               successors=tuple(successors), basis="Nghị quyết 1/NQ-HĐND")


def record(admin, *drafts, today=TODAY):
    return reorg.record(db.session, list(drafts), actor=admin, today=today, now=NOW)


def _services(unit):
    return db.session.scalar(select(func.count()).where(Service.unit_id == unit.id))


def test_merge_into_a_new_unit_hands_over_everything_open(admin, districts):
    a, b = districts
    follower = factories.member(units=[a])
    officer = factories.user(Role.UNIT_OFFICER, unit=b)
    open_task = factories.task(a)
    closed = factories.task(b, status=TaskStatus.DONE)
    record(admin, draft("merge", ["HA", "HB"], Successor("HAB", "Huyện A-B")))
    new = db.session.scalar(select(Unit).where(Unit.code == "HAB"))
    assert new.started_on == ON and new.kind == UnitKind.DISTRICT
    assert (a.ended_on, b.ended_on) == (date(2020, 12, 31), date(2020, 12, 31))
    assert not a.active and not b.active
    assert _services(new) == 4 and _services(a) == 0
    assert open_task.unit_id == new.id and closed.unit_id == b.id
    assert officer.unit_id == new.id
    assert new in follower.units and a in follower.units
    assert {"a@example.test", "b@example.test"} <= {x.lower() for x in new.notify_list}
    assert sorted(u.code for u in new.predecessors) == ["HA", "HB"]
    # Each moved service keeps where it was: its first span from its history, then the new one.
    spans = db.session.execute(select(ServiceUnit.unit_id, ServiceUnit.started_on)
                               .order_by(ServiceUnit.service_id, ServiceUnit.started_on)).all()
    assert spans[:2] == [(a.id, date(2020, 1, 1)), (new.id, ON)]
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "reorganisation.record" in actions and "reorganisation.apply" in actions


def test_merge_into_one_of_the_merged_units_keeps_it(admin, districts):
    a, b = districts
    record(admin, draft("merge", ["HA", "HB"], Successor("HA")))
    assert a.active and a.ended_on is None and _services(a) == 4
    assert b.ended_on == date(2020, 12, 31)


def test_rename_makes_a_successor_with_a_new_code(admin, districts):
    a, _b = districts
    record(admin, draft("rename", ["HA"], Successor("HA2", "Thị xã A")))
    new = db.session.scalar(select(Unit).where(Unit.code == "HA2"))
    assert new.name == "Thị xã A" and _services(new) == 2 and not a.active


def test_dissolve_into_an_existing_unit(admin, districts):
    a, b = districts
    record(admin, draft("dissolve", ["HB"], Successor("HA")))
    assert _services(a) == 4 and not b.active and b.ended_on == date(2020, 12, 31)


def test_split_gives_each_service_to_its_successor(admin, districts):
    a, _b = districts
    task = factories.task(a)
    task.services = [s for s in db.session.scalars(select(Service).where(
        Service.unit_id == a.id, Service.code == "1.002"))]
    record(admin, draft("split", ["HA"], Successor("HA1", "Xã A1", ("1.001",)),
                        Successor("HA2", "Xã A2", ("1.002",))))
    first, second = (db.session.scalar(select(Unit).where(Unit.code == c)) for c in ("HA1", "HA2"))
    assert _services(first) == 1 and _services(second) == 1
    assert task.unit_id == second.id


def test_a_future_reorganisation_waits_for_its_date(admin, districts):
    a, _b = districts
    record(admin, draft("dissolve", ["HA"], Successor("HB")), today=date(2020, 12, 30))
    assert a.active and _services(a) == 2 and a.ended_on == date(2020, 12, 31)
    assert reorg.apply_due(db.session, today=date(2020, 12, 31), now=NOW) == 0
    assert reorg.apply_due(db.session, today=ON, now=NOW) == 1
    assert not a.active and _services(a) == 0
    assert reorg.apply_due(db.session, today=ON, now=NOW) == 0


def test_the_job_applies_what_is_due(app, admin, districts):
    from taskforce import jobs

    a, _b = districts
    record(admin, draft("dissolve", ["HA"], Successor("HB")), today=date(2020, 12, 1))
    db.session.commit()
    assert jobs.reorganisations_job(app, today=ON, now=NOW) == 1
    assert not db.session.get(Unit, a.id).active


@pytest.mark.parametrize(("drafts", "field", "words"), [
    ([draft("merge", ["HA", "HX"], Successor("HAB", "Huyện A-B"))], "from_codes",
     "Unknown unit code HX"),
    ([draft("merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"), on=date(2019, 12, 1))],
     "from_codes", "began on"),
    ([draft("dissolve", ["HA"], Successor("HB")),
      draft("merge", ["HA", "HB"], Successor("HAB", "Huyện A-B"))], "from_codes",
     "already reorganised on 01/01/2021"),
    ([draft("split", ["HA"], Successor("HA1", "Xã A1", ("1.001",)),
            Successor("HA2", "Xã A2"))], "service_codes", "unassigned: 1.002"),
    ([draft("split", ["HA"], Successor("HA1", "Xã A1", ("1.001", "9.9")),
            Successor("HA2", "Xã A2", ("1.002",)))], "service_codes", "not a service"),
    ([draft("rename", ["HA"], Successor("HB", "Huyện B mới"))], "to_code", "already used"),
    ([draft("merge", ["HA", "HB"], Successor("HAB", ""))], "to_name", "new unit"),
    ([draft("merge", ["HA"], Successor("HAB", "Huyện A-B"))], "to_code", "at least two"),
    ([draft("fold", ["HA"], Successor("HB"))], "change", "rename, merge"),
    ([draft("dissolve", ["HA"], Successor("HZ"))], "to_code", "Unknown unit code HZ"),
])
def test_bad_events_are_refused_and_nothing_is_written(admin, districts, drafts, field, words):
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Unit))
    with pytest.raises(DomainError) as refused, force_locale("en"):
        record(admin, *drafts)
    assert refused.value.field == field and words in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Reorganisation)) == 0
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before


def test_a_unit_that_began_on_the_date_cannot_be_reorganised_then(admin, districts):
    record(admin, draft("merge", ["HA", "HB"], Successor("HAB", "Huyện A-B")))
    with pytest.raises(DomainError, match="began on 01/01/2021"), force_locale("en"):
        record(admin, draft("rename", ["HAB"], Successor("HAB2", "Huyện AB")))


def test_only_an_administrator_records(app, districts):
    leader = factories.user(Role.LEADER)
    with pytest.raises(PermissionDenied):
        record(leader, draft("dissolve", ["HA"], Successor("HB")))


def test_reminders_from_the_date_go_to_the_successor(admin, districts):
    from taskforce.models import OutboxMessage
    from taskforce.services.reminders import plan_reminders

    a, b = districts
    factories.task(a, due_on=date(2021, 3, 2))
    record(admin, draft("dissolve", ["HA"], Successor("HB")))
    plan_reminders(db.session, today=TODAY, now=NOW)
    recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
    # B's own address, and A's, which passed to B with A's work.
    assert {"b@example.test", "a@example.test"} <= recipients
    assert "a@example.test" in b.notify_emails
