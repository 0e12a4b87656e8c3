"""In-app notifications: the list, the unread badge and marking as read."""

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Notification, Unit, User
from taskforce.services import notifications
from tests import factories

START = datetime(2020, 11, 1, 8, 0, tzinfo=UTC)
_hours = itertools.count()
BADGE = re.compile(r'Notifications <span class="badge[^"]*">(\d+)<')


@pytest.fixture
def user(login_as):
    return login_as("unit_officer", locale="en")


@pytest.fixture
def task(app, user):
    obj = factories.task(user.unit, title="Nâng cấp 5 DVC mức độ 4")
    db.session.commit()
    return obj


def add(user, task=None, kind="assigned", n=1, read=False, message=""):
    made = []
    for _ in range(n):
        at = START + timedelta(hours=next(_hours))
        made.append(Notification(user_id=user.id, kind=kind, task_id=getattr(task, "id", None),
                                 message=message, created_at=at,
                                 read_at=at if read else None))
    db.session.add_all(made)
    db.session.commit()
    return made


def text(response):
    return response.get_data(as_text=True)


def unread(user):
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def badge(page):
    match = BADGE.search(page)
    return int(match.group(1)) if match else 0


class TestList:
    def test_lists_own_notifications_newest_first_with_unread_marked(self, client, user, task):
        (old,) = add(user, task, kind="assigned", read=True)
        (new,) = add(user, task, kind="returned", message="Thiếu minh chứng thanh toán")
        other = factories.user(role="member")
        add(other, task, kind="accepted")
        page = text(client.get("/notifications"))
        returned = page.index("Task returned for more work: Nâng cấp 5 DVC mức độ 4")
        assigned = page.index("New task assigned: Nâng cấp 5 DVC mức độ 4")
        assert returned < assigned
        assert "Thiếu minh chứng thanh toán" in page
        assert "accepted as done" not in page
        assert page.count("notification-unread") == 1
        assert f'href="/tasks/{task.id}"' in page

    def test_pages(self, client, user, task, app):
        add(user, task, n=30)
        page = text(client.get("/notifications"))
        assert page.count("New task assigned") == app.config["PAGE_SIZE"]
        assert "30 in all" in page
        second = text(client.get("/notifications?page=2"))
        assert second.count("New task assigned") == 30 - app.config["PAGE_SIZE"]

    def test_unread_filter_and_empty_states(self, client, user, task):
        page = text(client.get("/notifications"))
        assert "No notification yet" in page
        add(user, task, read=True)
        assert "You have read every notification." in text(
            client.get("/notifications?unread=1"))

    def test_list_takes_a_fixed_number_of_queries(self, client, user, task, count_queries):
        def queries():
            # Start as a new request would: an empty identity map, no cached user.
            db.session.expunge_all()
            g.pop("_login_user", None)
            with count_queries() as seen:
                assert client.get("/notifications").status_code == 200
            return seen.count

        add(user, task, n=3)
        user_id, unit_id = user.id, user.unit_id
        few = queries()
        user = db.session.get(User, user_id)
        for _ in range(17):  # each about another task, still one page
            add(user, factories.task(db.session.get(Unit, unit_id)))
        assert queries() == few

    def test_anonymous_is_sent_to_log_in(self, client, app):
        response = client.get("/notifications")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


class TestBadge:
    def test_navbar_counts_unread(self, client, user, task):
        assert badge(text(client.get("/dashboard"))) == 0
        add(user, task, n=3)
        add(user, task, read=True)
        assert badge(text(client.get("/dashboard"))) == 3

    def test_counts_only_own(self, client, user, task):
        add(factories.user(role="member"), task, n=2)
        assert badge(text(client.get("/dashboard"))) == 0


class TestRead:
    def test_mark_one(self, client, user, task):
        first, second = add(user, task, n=2)
        response = client.post("/notifications/read", data={"id": first.id})
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/notifications")
        db.session.expire_all()
        assert db.session.get(Notification, first.id).read_at is not None
        assert db.session.get(Notification, second.id).read_at is None

    def test_mark_all(self, client, user, task):
        add(user, task, n=4)
        response = client.post("/notifications/read", data={"next": "/notifications?unread=1"},
                               follow_redirects=True)
        assert "All your notifications are marked as read." in text(response)
        assert unread(user) == 0
        assert badge(text(response)) == 0

    def test_cannot_touch_another_users_notification(self, client, user, task):
        other = factories.user(role="member")
        (theirs,) = add(other, task)
        client.post("/notifications/read", data={"id": theirs.id})
        db.session.expire_all()
        assert db.session.get(Notification, theirs.id).read_at is None
        assert unread(other) == 1

    @pytest.mark.parametrize("bad", ["abc", "-1", "99999999999999999999"])
    def test_bad_id_changes_nothing(self, client, user, task, bad):
        add(user, task, n=2)
        response = client.post("/notifications/read", data={"id": bad}, follow_redirects=True)
        assert response.status_code == 200
        assert "Nothing was marked as read" in text(response)
        assert unread(user) == 2

    def test_external_next_is_ignored(self, client, user, task):
        response = client.post("/notifications/read", data={"next": "https://evil.test/"})
        assert response.headers["Location"].endswith("/notifications")

    def test_reading_needs_a_post(self, client, user):
        assert client.get("/notifications/read").status_code == 405


def test_service_marks_only_the_given_users_notifications(app):
    a, b = factories.user(role="member"), factories.user(role="member")
    add(a, n=2)
    (theirs,) = add(b)
    assert notifications.mark_read(db.session, a, ids=[theirs.id]) == 0
    assert notifications.mark_read(db.session, a) == 2
    assert notifications.unread_count(db.session, b) == 1
