"""The pages benchmarked in bench/ answer in a fixed number of SQL queries, whatever the data.

Each page is loaded on a small data set and on one several times larger; the count must not
grow (an N+1 would) and must stay under a bound. Timings live in bench/, not here.
"""

from datetime import date, timedelta

import pytest

from taskforce.extensions import db
from taskforce.models import (
    ClaimStatus,
    Decision,
    ExtensionRequest,
    Role,
    StatusUpdate,
    TaskKind,
    TaskStatus,
    UnitKind,
    member_units,
    task_services,
)
from tests import factories

TODAY = date(2020, 11, 20)
SMALL, LARGE = 2, 12


@pytest.fixture(autouse=True)
def settings(app):
    app.config["TODAY"] = TODAY.isoformat()
    # One page holds the larger set whole, so a query per row would show.
    app.config["PAGE_SIZE"] = 100


@pytest.fixture
def people(app):
    """A leader and a member (verifier) with their roster rows."""
    leader = factories.user(Role.LEADER, locale="en")
    member = factories.user(Role.MEMBER, is_verifier=True, locale="en")
    found = {"leader": leader, "member": member,
             "leader_row": factories.member(user=leader, position="leader"),
             "member_row": factories.member(user=member)}
    db.session.commit()
    return found


@pytest.fixture
def unit(people):
    """The unit whose page, overdue list and tasks are loaded."""
    found = factories.unit("Sở Tư pháp")
    db.session.execute(member_units.insert().values(member_id=people["member_row"].id,
                                                    unit_id=found.id))
    db.session.commit()
    return found


def add_world(people, unit, n):
    """``n`` more units with a small catalog and tasks, and more tasks for ``unit``."""
    for i in range(n):
        other = factories.unit(f"Đơn vị {i}", kind=UnitKind.DISTRICT if i % 2 else
                               UnitKind.DEPARTMENT)
        db.session.execute(member_units.insert().values(member_id=people["member_row"].id,
                                                        unit_id=other.id))
        for where in (other, unit):
            add_unit_work(people, where)
    db.session.commit()


def add_unit_work(people, where):
    """Three services (a pending claim, usage) and three tasks of every kind of state."""
    services = [factories.service(where, level=level, name=f"Cấp giấy phép số {level}")
                for level in (3, 3, 4)]
    factories.level_change(services[0], 4, TODAY - timedelta(days=3),
                           status=ClaimStatus.PENDING)
    factories.usage(services[2], date(2020, 10, 1))
    overdue = factories.task(where, due_on=TODAY - timedelta(days=10), kind=TaskKind.UPGRADE,
                             status=TaskStatus.IN_PROGRESS, follower_id=people["member_row"].id,
                             assignee_id=people["member_row"].id)
    db.session.execute(task_services.insert().values(task_id=overdue.id,
                                                     service_id=services[1].id))
    factories.task(where, due_on=TODAY - timedelta(days=2), status=TaskStatus.REPORTED,
                   follower_id=people["member_row"].id)
    factories.task(where, due_on=TODAY + timedelta(days=20), status=TaskStatus.DONE,
                   completed_on=TODAY - timedelta(days=1))
    db.session.add_all([
        StatusUpdate(task_id=overdue.id, author_id=people["member"].id, note="Đang làm"),
        ExtensionRequest(task_id=overdue.id, previous_due_on=overdue.due_on,
                         requested_due_on=TODAY + timedelta(days=30), reason="Chờ kết nối",
                         decision=Decision.APPROVED),
        ExtensionRequest(task_id=overdue.id, previous_due_on=overdue.due_on,
                         requested_due_on=TODAY + timedelta(days=40), reason="Chờ thêm",
                         decision=Decision.PENDING)])
    db.session.flush()


@pytest.fixture
def small_and_large(client, people, unit, count_queries):
    """The statements of a page at two sizes, once the figures kept between requests are
    kept; the first request after a change (which computes them) is bounded alike."""

    def cost(url):
        # From an empty session, as in a server.
        db.session.expire_all()
        with count_queries() as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return queries.count

    def measure(url):
        add_world(people, unit, SMALL)
        cost(url)  # the first request fills caches: not what is compared
        small = cost(url)
        add_world(people, unit, LARGE - SMALL)
        changed = cost(url)
        large = cost(url)
        assert changed <= large + 3, "recomputing the kept figures costs a few statements more"
        return small, large

    return measure


def sign_in(client, user):
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302


# One test per page the benchmark times; the bound leaves room for a query or two more.

def test_dashboard(client, people, unit, small_and_large):
    sign_in(client, people["leader"])
    small, large = small_and_large("/dashboard")
    assert small == large <= 12


def test_task_list_of_one_unit_overdue(client, people, unit, small_and_large):
    sign_in(client, people["leader"])
    small, large = small_and_large(f"/tasks?unit={unit.id}&overdue=1")
    assert small == large <= 16


def test_catalog_search(client, people, unit, small_and_large):
    sign_in(client, people["leader"])
    small, large = small_and_large("/catalog?q=giay+phep")
    assert small == large <= 12


def test_unit_page(client, people, unit, small_and_large):
    sign_in(client, people["leader"])
    small, large = small_and_large(f"/units/{unit.id}")
    assert small == large <= 20


@pytest.mark.parametrize("who", ["member", "leader"])
def test_my_work(client, people, unit, who, small_and_large):
    sign_in(client, people[who])
    small, large = small_and_large("/my-work")
    assert small == large <= 24
