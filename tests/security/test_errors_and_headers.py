"""A crash shows a friendly page with a request id and is logged with it; production headers."""

import logging

import pytest

from config import ProductionConfig
from taskforce.extensions import db
from tests import factories

SECRET = "kết nối CSDL thất bại: mật khẩu sai"  # noqa: S105 - text of the test's own crash


def _crash():
    raise RuntimeError(SECRET)


_crash.permission = None  # open to all: the test app's own route


@pytest.fixture
def crashing_app(make_app, monkeypatch):
    """An app as production runs it (exceptions handled, not raised) with a route that fails."""
    # Alembic's fileConfig, run in this process by the test database's migration, disables
    # the loggers that existed then; a server never migrates in its own process.
    monkeypatch.setattr(logging.getLogger("taskforce.web.errors"), "disabled", False)
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False)
    app.add_url_rule("/crash", "crash", _crash)
    return app


def test_a_crash_shows_a_friendly_page_with_the_request_id_and_no_traceback(crashing_app,
                                                                            caplog):
    with caplog.at_level(logging.ERROR):
        response = crashing_app.test_client().get("/crash")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert "Đã xảy ra lỗi" in page
    assert f"Mã tham chiếu: {request_id}" in page
    for leak in ("Traceback", "RuntimeError", SECRET, "File \"", "_crash"):
        assert leak not in page
    logged = [r for r in caplog.records if r.name == "taskforce.web.errors"]
    assert len(logged) == 1
    assert request_id in logged[0].getMessage()
    # The log holds the real cause with its traceback, not Flask's generic 500.
    assert logged[0].exc_info[0] is RuntimeError
    assert "_crash" in caplog.text and SECRET in caplog.text


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(crashing_app, caplog):
    client = crashing_app.test_client()
    with caplog.at_level(logging.ERROR):
        kept = client.get("/crash", headers={"X-Request-Id": "edge-7f3a.42"})
        forged = client.get("/crash", headers={"X-Request-Id": "x ERROR forged <b>"})
    assert kept.headers["X-Request-Id"] == "edge-7f3a.42"
    assert "edge-7f3a.42" in kept.get_data(as_text=True)
    assert "forged" not in forged.headers["X-Request-Id"]
    assert "forged" not in caplog.text


def test_production_sends_hsts_and_secure_cookies(make_app):
    app = make_app(IS_PRODUCTION=True, SECRET_KEY="a-long-production-secret-for-the-test",
                   SESSION_COOKIE_SECURE=ProductionConfig.SESSION_COOKIE_SECURE)
    with app.app_context():
        user = factories.user()
        db.session.commit()
        client = app.test_client()
        assert client.get("/login").headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains")
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert {"Secure", "HttpOnly", "SameSite=Lax"} <= {p.strip() for p in cookie.split(";")}


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
