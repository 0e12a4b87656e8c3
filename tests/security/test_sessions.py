"""Sessions end on the server: a copied session cookie stops working after each event.

The thief holds a copy of the victim's session cookie, taken while the victim was logged in;
log-out, a password change, two-factor log-in turned on or off, and deactivation must each
make that copy worthless, not just remove the cookie from the victim's browser.
"""

import pyotp
import pytest
from flask_login.utils import encode_cookie

from taskforce.extensions import db
from taskforce.models import Role, User
from tests import factories

NEW_PASSWORD = "a-new-password-9"
REMEMBER_COOKIE = "remember_token"  # Flask-Login's name; REMEMBER_COOKIE_NAME is not set


def log_in(client, email):
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def copy_session(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    thief = app.test_client()
    thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def secret_of(client):
    page = client.get("/account/two-factor").get_data(as_text=True)
    return page.split('<code class="user-select-all">')[1].split("<")[0]


def turn_on_two_factor(client):
    secret = secret_of(client)
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert 'id="recovery-codes"' in response.get_data(as_text=True)


def log_out(app, client, user):
    client.post("/logout")


def change_password(app, client, user):
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def turn_off_two_factor(app, client, user):
    response = client.post("/account/two-factor", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    assert db.session.get(User, user.id).totp_secret is None


def deactivate(app, client, user):
    admin = factories.user(role=Role.ADMIN)
    db.session.commit()
    admin_client = app.test_client()
    log_in(admin_client, admin.email)
    response = admin_client.post(f"/admin/users/{user.id}", data={
        "email": user.email, "full_name": user.full_name, "role": user.role, "unit_id": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False


def turn_on(app, client, user):
    turn_on_two_factor(client)


# event: (what happens before the cookie is copied, the event, does the victim stay in)
EVENTS = {
    "log-out": (None, log_out, False),
    "password change": (None, change_password, True),
    "two-factor turned on": (None, turn_on, True),
    "two-factor turned off": (turn_on_two_factor, turn_off_two_factor, True),
    "deactivation": (None, deactivate, False),
}


@pytest.mark.parametrize("event", list(EVENTS))
def test_a_copied_session_cookie_stops_working_after(app, client, event):
    before, happen, victim_stays = EVENTS[event]
    user = factories.user(role=Role.MEMBER)
    db.session.commit()
    log_in(client, user.email)
    if before is not None:
        before(client)
    thief = copy_session(app, client)
    assert thief.get("/dashboard").status_code == 200  # the copy works until the event
    happen(app, client, user)
    response = thief.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert (client.get("/dashboard").status_code == 200) is victim_stays


def test_log_out_ends_the_sessions_of_the_account_on_every_browser(app, client):
    user = factories.user(role=Role.MEMBER)
    db.session.commit()
    other = app.test_client()
    log_in(client, user.email)
    log_in(other, user.email)
    client.post("/logout")
    assert other.get("/dashboard").status_code == 302
    log_in(client, user.email)  # and logging in again works
    assert client.get("/dashboard").status_code == 200


def test_a_remember_me_cookie_would_die_with_the_sessions(app, client):
    user = factories.user(role=Role.MEMBER)
    db.session.commit()
    log_in(client, user.email)
    assert client.get_cookie(REMEMBER_COOKIE) is None  # the log-in never sets one
    remembered = encode_cookie(db.session.get(User, user.id).get_id())  # were one set
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie(REMEMBER_COOKIE, remembered, domain="localhost")
    assert thief.get("/dashboard").status_code == 302
