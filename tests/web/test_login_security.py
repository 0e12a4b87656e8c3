"""Throttled log-in, account lock-out and two-factor log-in with TOTP."""

import time
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import RecoveryCode, User
from taskforce.models.types import utcnow
from taskforce.services import accounts
from tests import factories


def login(client, email, password=factories.PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_account_locks_after_repeated_failures_and_holds_in_the_database(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=15)
    with app.app_context():
        user = factories.user()
        db.session.commit()
        client = app.test_client()
        for _ in range(3):
            assert login(client, user.email, "wrong").status_code == 200
        locked = db.session.get(User, user.id)
        assert locked.locked_until > utcnow() + timedelta(minutes=14)
        # the right password is refused while locked, from any worker (a fresh app here)
        other = make_app(LOGIN_MAX_FAILURES=3).test_client()
        page = login(other, user.email).get_data(as_text=True)
        assert "Sai e-mail hoặc mật khẩu" in page
        assert other.get("/dashboard").status_code == 302
        locked.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert login(other, user.email).status_code == 302


def test_too_many_attempts_from_one_address_are_throttled(make_app):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="3 per minute", LOGIN_LIMIT_PER_ACCOUNT="100/minute")
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            assert login(client, f"nobody{n}@example.test", "x").status_code == 200
        response = login(client, "nobody9@example.test", "x")
        assert response.status_code == 429
        assert "Quá nhiều lần thử không thành công" in response.get_data(as_text=True)


def test_attempts_on_one_account_are_throttled_whatever_the_address(make_app):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="100/minute", LOGIN_LIMIT_PER_ACCOUNT="2/minute",
                   LOGIN_MAX_FAILURES=50)
    with app.app_context():
        client = app.test_client()
        for address in ("10.0.0.1", "10.0.0.2"):
            response = client.post("/login", data={"email": "x@example.test", "password": "x"},
                                   environ_base={"REMOTE_ADDR": address})
            assert response.status_code == 200
        response = client.post("/login", data={"email": "X@example.test ", "password": "x"},
                               environ_base={"REMOTE_ADDR": "10.0.0.3"})
        assert response.status_code == 429


def test_successful_logins_are_not_counted(make_app):
    app = make_app(LOGIN_LIMIT_PER_ADDRESS="2/minute")
    with app.app_context():
        user = factories.user()
        db.session.commit()
        for _ in range(4):
            client = app.test_client()
            assert login(client, user.email).status_code == 302


def enroll(client):
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = page.split('<code class="user-select-all">')[1].split("<")[0]
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = response.get_data(as_text=True).split('id="recovery-codes">')[1].split("</ul>")[0]
    return secret, [c.split("</li>")[0] for c in codes.split("<li>")[1:]]


def test_two_factor_enrollment_and_login(app, client):
    user = factories.user(role="leader")
    db.session.commit()
    login(client, user.email)
    page = client.post("/account/two-factor", data={"code": "000000"}).get_data(as_text=True)
    assert "Mã không đúng" in page
    secret, codes = enroll(client)
    assert len(codes) == 10
    assert db.session.get(User, user.id).totp_secret == secret
    client.post("/logout")

    response = login(client, user.email)
    assert response.headers["Location"].endswith("/login/code")
    assert client.get("/dashboard").status_code == 302  # not logged in before the code
    assert client.post("/login/code", data={"code": "123456"}).status_code == 200
    totp = pyotp.TOTP(secret)
    # The code that turned it on is used up: the app's next one (within the window) logs in.
    response = client.post("/login/code", data={"code": totp.at(time.time() + totp.interval)})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_recovery_code_works_once(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    _secret, codes = enroll(client)
    client.post("/logout")
    login(client, user.email)
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    login(client, user.email)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 200
    used = db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None)))
    assert len(used.all()) == 1


def test_required_roles_must_set_up_two_factor(make_app):
    app = make_app(TOTP_REQUIRED_ROLES=("admin", "leader"))
    with app.app_context():
        leader = factories.user(role="leader")
        viewer = factories.user(role="viewer")
        db.session.commit()
        client = app.test_client()
        login(client, leader.email)
        response = client.get("/dashboard")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/account/two-factor")
        enroll(client)
        assert client.get("/dashboard").status_code == 200
        page = client.get("/account/two-factor").get_data(as_text=True)
        assert "không thể tắt" in page
        other = app.test_client()
        login(other, viewer.email)
        assert other.get("/dashboard").status_code == 200


def test_turning_two_factor_off_needs_the_password(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    enroll(client)
    page = client.post("/account/two-factor", data={"password": "wrong"}).get_data(as_text=True)
    assert "Mật khẩu không đúng" in page
    assert db.session.get(User, user.id).totp_secret
    client.post("/account/two-factor", data={"password": factories.PASSWORD})
    assert db.session.get(User, user.id).totp_secret is None


def two_factor_user(**kw):
    user = factories.user(totp_secret=pyotp.random_base32(), **kw)
    db.session.commit()
    return user


def test_a_code_works_once(app, client):
    user = two_factor_user()
    code = pyotp.TOTP(user.totp_secret).now()
    login(client, user.email)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    login(client, user.email)
    page = client.post("/login/code", data={"code": code}).get_data(as_text=True)
    assert "Mã không đúng" in page
    assert client.get("/dashboard").status_code == 302


def test_the_code_that_turned_two_factor_on_cannot_log_in(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    page = client.get("/account/two-factor").get_data(as_text=True)
    code = pyotp.TOTP(page.split('<code class="user-select-all">')[1].split("<")[0]).now()
    assert client.post("/account/two-factor", data={"code": code}).status_code == 200
    client.post("/logout")
    login(client, user.email)
    assert client.post("/login/code", data={"code": code}).status_code == 200
    assert client.get("/dashboard").status_code == 302


def test_a_code_older_than_the_last_one_accepted_is_refused(app, client):
    user = two_factor_user()
    totp = pyotp.TOTP(user.totp_secret)
    login(client, user.email)
    assert client.post("/login/code", data={"code": totp.now()}).status_code == 302
    client.post("/logout")
    login(client, user.email)
    earlier = totp.at(time.time() - totp.interval)  # still inside the accepted window
    assert client.post("/login/code", data={"code": earlier}).status_code == 200


def browser_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_codes_lock_the_account_whatever_the_address(make_app):
    app = make_app(LOGIN_MAX_FAILURES=3, LOGIN_LOCK_MINUTES=15,
                   LOGIN_LIMIT_PER_ADDRESS="100/minute", LOGIN_LIMIT_PER_ACCOUNT="100/minute")
    with app.app_context():
        user = two_factor_user()
        for n in range(3):  # each guess from a new browser at a new address
            client = browser_at(app, f"10.0.0.{n + 1}")
            assert login(client, user.email).status_code == 302
            assert client.post("/login/code", data={"code": "000000"}).status_code == 200
        assert db.session.get(User, user.id).locked_until > utcnow()
        client = browser_at(app, "10.0.0.9")
        assert login(client, user.email).status_code == 200  # the password is refused too
        assert client.get("/dashboard").status_code == 302


def test_a_locked_account_refuses_the_right_code(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2, LOGIN_LIMIT_PER_ADDRESS="100/minute")
    with app.app_context():
        user = two_factor_user()
        client = app.test_client()
        login(client, user.email)
        for _ in range(2):
            client.post("/login/code", data={"code": "000000"})
        code = pyotp.TOTP(user.totp_secret).now()
        assert client.post("/login/code", data={"code": code}).status_code != 302
        assert client.get("/dashboard").status_code == 302


def test_a_right_code_clears_the_count_of_wrong_ones(make_app):
    app = make_app(LOGIN_MAX_FAILURES=2, LOGIN_LIMIT_PER_ADDRESS="100/minute")
    with app.app_context():
        user = two_factor_user()
        client = app.test_client()
        login(client, user.email)
        client.post("/login/code", data={"code": "000000"})
        code = pyotp.TOTP(user.totp_secret).now()
        assert client.post("/login/code", data={"code": code}).status_code == 302
        assert db.session.get(User, user.id).failed_codes == 0


class CountingHasher:
    """The application's real Argon2 hasher, counting its verifications."""

    def __init__(self, real):
        self.real = real
        self.verifications = 0

    def verify(self, hash, password):
        self.verifications += 1
        return self.real.verify(hash, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    return counting


def locked_user():
    return factories.user(locked_until=utcnow() + timedelta(minutes=10))


@pytest.mark.parametrize("case", ["unknown address", "wrong password", "locked account",
                                  "locked account, right password", "inactive account"])
def test_every_refusal_does_one_password_verification(app, client, hasher, case):
    users = {"wrong password": factories.user, "locked account": locked_user,
             "locked account, right password": locked_user,
             "inactive account": lambda: factories.user(active=False)}
    email = users[case]().email if case in users else "nobody@example.test"
    db.session.commit()
    password = factories.PASSWORD if case.endswith("right password") else "not-the-password"
    page = login(client, email, password).get_data(as_text=True)
    assert "Sai e-mail hoặc mật khẩu" in page
    assert hasher.verifications == 1


def test_a_successful_log_in_does_one_password_verification(app, client, hasher):
    user = factories.user()
    db.session.commit()
    assert login(client, user.email).status_code == 302
    assert hasher.verifications == 1


def test_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Request-Id"]
