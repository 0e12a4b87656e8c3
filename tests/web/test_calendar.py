"""The calendar pages: the month grid, the secret-address feeds and a new address."""

import hashlib
import hmac
import html
import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import AuditEvent, TaskStatus, Unit, User
from tests import factories

TODAY = date(2020, 11, 20)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY.isoformat()


@pytest.fixture
def world(app):
    a = factories.unit("Sở A")
    b = factories.unit("Huyện B")
    tasks = {
        "a_dec": factories.task(a, due_on=date(2020, 12, 15), title="Nâng cấp 5 DVC Sở A"),
        "a_done": factories.task(a, due_on=date(2020, 12, 10), title="Việc đã xong",
                                 status=TaskStatus.DONE),
        "b_dec": factories.task(b, due_on=date(2020, 12, 1), title="Sơ kết Huyện B"),
        "b_nov": factories.task(b, due_on=date(2020, 11, 25), title="Báo cáo tháng 11"),
    }
    db.session.commit()
    return {"a": a, "b": b, "tasks": tasks}


def text(response):
    return response.get_data(as_text=True)


def feed_url(page, element_id):
    match = re.search(rf'id="{element_id}" type="text" readonly value="([^"]+)"', page)
    return html.unescape(match.group(1)) if match else None


def parsed(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.get_data())
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


class TestMonthPage:
    def test_shows_the_month_with_its_deadlines(self, client, login_as, world):
        login_as("viewer", locale="en")
        page = text(client.get("/calendar", query_string={"month": "2020-12"}))
        assert "December 2020" in page
        assert "Nâng cấp 5 DVC Sở A" in page and "Sơ kết Huyện B" in page
        assert "text-decoration-line-through" in page  # the done task
        assert "month=2020-11" in page and "month=2021-01" in page

    def test_defaults_to_this_month(self, client, login_as, world):
        login_as("leader", locale="en")
        page = text(client.get("/calendar"))
        assert "November 2020" in page and "Báo cáo tháng 11" in page

    @pytest.mark.parametrize("bad", ["2020-13", "<script>", "9" * 40])
    def test_a_bad_month_says_so_and_shows_this_month(self, client, login_as, world, bad):
        login_as("member", locale="en")
        response = client.get("/calendar", query_string={"month": bad})
        assert response.status_code == 200
        page = text(response)
        assert "is not a month" in page or "between 2000 and 2099" in page
        assert "November 2020" in page
        assert "<script>" not in page.split("<main", 1)[1]

    def test_unit_officer_sees_only_their_unit(self, client, login_as, world):
        login_as("unit_officer", unit=world["a"], locale="en")
        page = text(client.get("/calendar", query_string={"month": "2020-12",
                                                          "unit": world["b"].id}))
        assert "Nâng cấp 5 DVC Sở A" in page
        assert "Sơ kết Huyện B" not in page

    def test_unit_filter(self, client, login_as, world):
        login_as("leader", locale="en")
        page = text(client.get("/calendar", query_string={"month": "2020-12",
                                                          "unit": world["b"].id}))
        assert "Sơ kết Huyện B" in page and "Nâng cấp 5 DVC Sở A" not in page


class TestFeeds:
    def test_personal_feed_from_the_page_parses_back_with_the_right_dates(
            self, client, login_as, world):
        login_as("unit_officer", unit=world["a"], locale="en")
        url = feed_url(text(client.get("/calendar")), "feed-url")
        client.post("/logout")
        got = parsed(client.get(url))  # no session: the token is the key
        t = world["tasks"]
        assert set(got) == {f"task-{t['a_dec'].id}@taskforce"}
        event = got[f"task-{t['a_dec'].id}@taskforce"]
        assert event["dtstart"].dt == date(2020, 12, 15)
        assert event["dtend"].dt == date(2020, 12, 16)
        assert str(event["summary"]) == "Due: Nâng cấp 5 DVC Sở A"
        assert f"/tasks/{t['a_dec'].id}" in str(event["url"])

    def test_leader_feed_holds_every_open_task(self, client, world):
        user = factories.user(role="leader", locale="vi")
        db.session.commit()
        got = parsed(client.get(f"/calendar/{user.calendar_token}.ics"))
        t = world["tasks"]
        assert set(got) == {f"task-{t[k].id}@taskforce" for k in ("a_dec", "b_dec", "b_nov")}

    def test_unknown_token_is_not_found(self, client, world):
        assert client.get("/calendar/not-a-token.ics").status_code == 404
        assert client.get("/calendar/unit/1-deadbeef.ics").status_code == 404
        assert client.get("/calendar/unit/nonsense.ics").status_code == 404

    def test_inactive_user_feed_is_gone(self, client, world):
        user = factories.user(role="member", active=False)
        db.session.commit()
        assert client.get(f"/calendar/{user.calendar_token}.ics").status_code == 404

    def test_unit_feed_from_the_unit_page(self, client, login_as, world):
        user = login_as("member", locale="en")
        factories.member(user=user, units=[world["b"]])
        db.session.commit()
        url = feed_url(text(client.get(f"/units/{world['b'].id}")), "unit-feed-url")
        assert url and "/calendar/unit/" in url
        client.post("/logout")
        got = parsed(client.get(url))
        t = world["tasks"]
        assert {e["dtstart"].dt for e in got.values()} == {date(2020, 12, 1),
                                                           date(2020, 11, 25)}
        assert f"task-{t['b_dec'].id}@taskforce" in got

    def test_officer_gets_their_unit_feed_but_not_another(self, client, login_as, world):
        login_as("unit_officer", unit=world["a"], locale="en")
        assert feed_url(text(client.get("/calendar")), "unit-feed-url")
        assert feed_url(text(client.get(f"/units/{world['a'].id}")), "unit-feed-url")
        other = text(client.get(f"/units/{world['b'].id}"))
        assert feed_url(other, "unit-feed-url") is None
        assert "Sơ kết Huyện B" not in other

    @pytest.mark.parametrize("role", ["viewer", "member"])
    def test_the_feed_address_is_shown_only_to_those_who_act_for_the_unit(
            self, client, login_as, world, role):
        login_as(role, locale="en")  # a member who does not follow unit B
        page = text(client.get(f"/units/{world['b'].id}"))
        assert "Sơ kết Huyện B" in page  # the unit's tasks are shown
        assert feed_url(page, "unit-feed-url") is None
        assert world["b"].feed_token not in page
        assert "/calendar/unit/" not in page

    def test_the_old_hmac_address_no_longer_works(self, app, client, world):
        unit = world["b"]
        digest = hmac.new(app.config["SECRET_KEY"].encode(), f"unit-calendar:{unit.id}".encode(),
                          hashlib.sha256).hexdigest()[:32]
        assert client.get(f"/calendar/unit/{unit.id}-{digest}.ics").status_code == 404
        assert client.get(f"/calendar/unit/{unit.feed_token}.ics").status_code == 200


class TestReset:
    def test_new_address_needs_a_confirmation_and_kills_the_old_one(self, client, login_as,
                                                                    world):
        user = login_as("member", locale="en")
        old = user.calendar_token
        page = text(client.get("/calendar/token"))
        assert "stop receiving the deadlines" in page
        assert db.session.get(User, user.id).calendar_token == old
        response = client.post("/calendar/token")
        assert response.status_code == 302
        db.session.expire_all()
        new = db.session.get(User, user.id).calendar_token
        assert new != old
        assert client.get(f"/calendar/{old}.ics").status_code == 404
        assert client.get(f"/calendar/{new}.ics").status_code == 200
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.object_id == user.id)) == "user.calendar_reset"

    def test_the_account_menu_leads_to_a_new_address(self, client, login_as, world):
        login_as("viewer")
        assert 'href="/calendar/token"' in text(client.get("/dashboard"))

    def test_anonymous_cannot_reset(self, client, world):
        response = client.post("/calendar/token")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


class TestUnitReset:
    def test_a_new_unit_address_needs_a_confirmation_and_kills_the_old_one(
            self, client, login_as, world):
        unit = world["b"]
        user = login_as("unit_officer", unit=unit, locale="en")
        old = unit.feed_token
        page = text(client.get(f"/units/{unit.id}"))
        assert f'href="/calendar/unit/{unit.id}/token"' in page
        assert "stop receiving the deadlines" in text(client.get(f"/calendar/unit/{unit.id}/token"))
        db.session.expire_all()
        assert db.session.get(Unit, unit.id).feed_token == old
        response = client.post(f"/calendar/unit/{unit.id}/token")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/units/{unit.id}")
        db.session.expire_all()
        new = db.session.get(Unit, unit.id).feed_token
        assert new != old
        assert client.get(f"/calendar/unit/{old}.ics").status_code == 404
        assert client.get(f"/calendar/unit/{new}.ics").status_code == 200
        assert feed_url(text(client.get(f"/units/{unit.id}")), "unit-feed-url").endswith(
            f"/calendar/unit/{new}.ics")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "unit.feed_reset"))
        assert (event.actor_id, event.object_id) == (user.id, unit.id)

    @pytest.mark.parametrize("role", ["viewer", "member", "unit_officer"])
    def test_others_cannot_renew_a_unit_address(self, client, login_as, world, role):
        login_as(role, **({"unit": world["a"]} if role == "unit_officer" else {}))
        unit = world["b"]
        old = unit.feed_token
        assert client.post(f"/calendar/unit/{unit.id}/token").status_code == 403
        db.session.expire_all()
        assert db.session.get(Unit, unit.id).feed_token == old

    def test_a_member_who_follows_the_unit_may_renew_it(self, client, login_as, world):
        user = login_as("member")
        factories.member(user=user, units=[world["b"]])
        db.session.commit()
        assert client.post(f"/calendar/unit/{world['b'].id}/token").status_code == 302
