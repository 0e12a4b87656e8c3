"""Forms posted without a CSRF token are refused and change nothing."""

from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Unit, User
from tests import factories


def test_form_without_token_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.user(role="admin")
        db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 400
        assert "Thiếu mã bảo vệ biểu mẫu" in response.get_data(as_text=True)


def test_state_changing_posts_need_the_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = factories.user(role="admin")
        db.session.commit()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/login", data={"email": admin.email, "csrf_token": token,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302
        users = db.session.scalar(select(func.count(User.id)))
        units = db.session.scalar(select(func.count(Unit.id)))
        for url, data in [
            ("/admin/users/new", {"email": "x@example.test", "full_name": "X",
                                  "role": "viewer", "unit_id": "0",
                                  "password": "long-enough-1"}),
            ("/admin/units/new", {"code": "X", "name": "X", "kind": "other",
                                  "parent_id": "0"}),
            ("/language", {"lang": "en"}),
            ("/logout", {}),
        ]:
            assert client.post(url, data=data).status_code == 400, url
        assert db.session.scalar(select(func.count(User.id))) == users
        assert db.session.scalar(select(func.count(Unit.id))) == units
        assert db.session.get(User, admin.id).locale is None
        assert client.get("/dashboard").status_code == 200  # still logged in
