"""Log-in, log-out, sessions, passwords and the language switch."""

from taskforce.extensions import db
from taskforce.models import AuditEvent, User
from taskforce.services import accounts
from tests import factories


def login(client, email, password=factories.PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_page_is_in_vietnamese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/login?next=%2Fdashboard" in response.headers["Location"]


def test_login_and_logout(app, client):
    user = factories.user(role="leader")
    db.session.commit()
    response = login(client, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200
    assert db.session.get(User, user.id).last_login_at is not None
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(app, client):
    user = factories.user()
    db.session.commit()
    wrong = login(client, user.email, "not-the-password").get_data(as_text=True)
    unknown = login(client, "nobody@example.test").get_data(as_text=True)
    message = "Sai e-mail hoặc mật khẩu"
    assert message in wrong and message in unknown
    assert db.session.get(User, user.id).failed_logins == 1


def test_inactive_user_cannot_log_in(app, client):
    user = factories.user(active=False)
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 200
    assert client.get("/dashboard").status_code == 302


def test_empty_login_form_shows_field_errors(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Trường này là bắt buộc." in page


def test_next_redirect_stays_on_this_site(app, client):
    user = factories.user()
    db.session.commit()
    response = login(client, user.email, next="https://evil.example/steal")
    assert response.headers["Location"].endswith("/dashboard")
    client.post("/logout")
    response = login(client, user.email, next="//evil.example/")
    assert response.headers["Location"].endswith("/dashboard")
    client.post("/logout")
    response = login(client, user.email, next="/roster")
    assert response.headers["Location"].endswith("/roster")


def test_password_change_ends_other_sessions(app, client):
    user = factories.user()
    db.session.commit()
    other = app.test_client()
    login(client, user.email)
    login(other, user.email)
    response = client.post("/account/password", data={
        "current": factories.PASSWORD, "new": "a-new-password-9", "confirm": "a-new-password-9"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session goes on
    assert other.get("/dashboard").status_code == 302  # the other one has ended
    assert accounts.check_password(db.session.get(User, user.id), "a-new-password-9")
    assert db.session.query(AuditEvent).filter_by(action="user.password").count() == 1


def test_password_change_refuses_bad_input(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    page = client.post("/account/password", data={
        "current": "wrong", "new": "a-new-password-9", "confirm": "a-new-password-9"
    }).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in page
    page = client.post("/account/password", data={
        "current": factories.PASSWORD, "new": "short", "confirm": "short"}).get_data(as_text=True)
    assert "ít nhất 8 ký tự" in page
    assert accounts.check_password(db.session.get(User, user.id), factories.PASSWORD)


def test_deactivation_ends_the_session(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    assert client.get("/dashboard").status_code == 200
    accounts.update_user(db.session, user, accounts.UserDraft(
        email=user.email, full_name=user.full_name, role=user.role, active=False), actor=None)
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_language_switch_is_kept_after_logging_out_and_in(app, client):
    user = factories.user()
    db.session.commit()
    login(client, user.email)
    client.post("/language", data={"lang": "en", "next": "/dashboard"})
    assert "Dashboard" in client.get("/dashboard").get_data(as_text=True)
    client.post("/logout")
    fresh = app.test_client()
    login(fresh, user.email)
    page = fresh.get("/dashboard").get_data(as_text=True)
    assert 'lang="en"' in page
    fresh.post("/language", data={"lang": "vi", "next": "/dashboard"})
    assert 'lang="vi"' in fresh.get("/dashboard").get_data(as_text=True)


def test_unknown_language_is_ignored(app, client):
    client.post("/language", data={"lang": "xx"})
    assert 'lang="vi"' in client.get("/login").get_data(as_text=True)
