"""The unit page's tasks: open ones first with their four-way class, only for who may see them."""

from datetime import date

import pytest
from flask import g

from taskforce.extensions import db
from taskforce.models import TaskStatus, Unit
from tests import factories

TODAY = date(2020, 11, 20)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY.isoformat()


@pytest.fixture
def unit(app):
    a = factories.unit("Sở A")
    factories.task(a, title="Việc quá hạn", due_on=date(2020, 11, 10))
    factories.task(a, title="Việc còn hạn", due_on=date(2020, 12, 15),
                   status=TaskStatus.IN_PROGRESS)
    factories.task(a, title="Việc xong muộn", due_on=date(2020, 11, 1), status=TaskStatus.DONE,
                   completed_on=date(2020, 11, 5))
    factories.task(a, title="Việc đã hủy", due_on=date(2020, 11, 1),
                   status=TaskStatus.CANCELLED)
    factories.task(factories.unit("Huyện B"), title="Việc của Huyện B")
    db.session.commit()
    return a


def text(response):
    return response.get_data(as_text=True)


def test_open_tasks_first_with_their_class(client, login_as, unit):
    login_as("viewer", locale="en")
    page = text(client.get(f"/units/{unit.id}"))
    order = [page.index(t) for t in ("Việc quá hạn", "Việc còn hạn", "Việc xong muộn",
                                     "Việc đã hủy")]
    assert order == sorted(order)
    assert "Việc của Huyện B" not in page
    assert "Open, overdue" in page and "Done late" in page
    assert f'href="/catalog?unit={unit.id}"' in page
    assert f'href="/tasks?unit={unit.id}"' in page


def test_officer_sees_only_their_own_units_tasks(client, login_as, unit):
    login_as("unit_officer", unit=unit, locale="en")
    assert "Việc quá hạn" in text(client.get(f"/units/{unit.id}"))
    other = factories.unit("Sở C")
    factories.task(other, title="Việc của Sở C")
    db.session.commit()
    page = text(client.get(f"/units/{other.id}"))
    assert "Việc của Sở C" not in page and 'id="unit-tasks"' not in page


def test_empty_state_points_the_leader_to_the_wizard(client, login_as, app):
    empty = factories.unit("Sở không có việc")
    db.session.commit()
    login_as("leader", locale="en")
    page = text(client.get(f"/units/{empty.id}"))
    assert "No task has been assigned to this unit yet." in page
    assert 'href="/tasks/assign"' in page


def test_unit_page_answers_in_a_fixed_number_of_queries(client, login_as, unit, count_queries):
    login_as("leader", locale="en")
    follower = factories.member(units=[unit])
    factories.task(unit, title="Việc có người theo dõi", follower_id=follower.id)
    db.session.commit()
    url, unit_id, follower_id = f"/units/{unit.id}", unit.id, follower.id

    def queries():
        # Start as a new request would: an empty identity map, no cached user.
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as seen:
            assert client.get(url).status_code == 200
        return seen.count

    few = queries()
    for n in range(15):
        factories.task(db.session.get(Unit, unit_id), title=f"Việc thêm {n}",
                       follower_id=follower_id)
    db.session.commit()
    assert queries() == few
