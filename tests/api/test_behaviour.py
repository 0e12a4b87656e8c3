"""The API's rules beyond the route table: an officer's token and its unit, tokens that stop
working, session cookies and CSRF, the idempotent usage push, paging, problem details."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ApiToken, AuditEvent, ServiceUsage, StatusUpdate, Task, User
from taskforce.models.types import utcnow
from taskforce.services import tokens
from tests import factories
from tests.api.conftest import bearer, make_token

PROBLEM = "application/problem+json"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_officer_sees_and_changes_only_their_units_work(app, client, world, token_for):
    officer = token_for("unit_officer")
    other = {"task": world["task"], "service": world["service"], "file": world["file"],
             "unit": world["unit"]}
    refused = [
        client.get(f"/api/v1/tasks/{other['task']}", headers=officer),
        client.post(f"/api/v1/tasks/{other['task']}/updates", headers=officer,
                    data={"note": "x"}),
        client.post(f"/api/v1/services/{other['service']}/claims", headers=officer,
                    json={"to_level": 4, "effective_on": world["today"]}),
        client.get(f"/api/v1/files/{other['file']}", headers=officer),
        client.put(f"/api/v1/units/{other['unit']}/usage/2020-08", headers=officer,
                   json={"services": [{"code": "B-1", "total": 1}]}),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    assert all(r.mimetype == PROBLEM for r in refused)
    listed = client.get("/api/v1/tasks", headers=officer).get_json()
    assert [t["id"] for t in listed["items"]] == [world["task_a"]]
    # Their own unit's work goes through.
    own = client.post(f"/api/v1/tasks/{world['task_a']}/updates", headers=officer,
                      data={"note": "Đang làm", "progress": "30"})
    assert own.status_code == 201, own.get_data(as_text=True)
    pushed = client.put(f"/api/v1/units/{world['unit_a']}/usage/2020-08", headers=officer,
                        json={"services": [{"code": "A-1", "total": 9, "online": 3}]})
    assert pushed.status_code == 200 and pushed.get_json()["added"] == 1
    assert db.session.scalar(select(ServiceUsage.dossiers_total)
                             .where(ServiceUsage.service_id == world["service_a"])) == 9


def test_the_usage_push_is_idempotent(app, client, world, token_for):
    leader = token_for("leader")
    url = f"/api/v1/units/{world['unit']}/usage/2020-09"
    body = {"services": [{"code": "B-1", "total": 40, "online": 30, "paid_online": 5,
                          "digitised": 12}]}
    first = client.put(url, headers=leader, json=body)
    assert first.status_code == 200
    assert first.get_json() == {"unit_id": world["unit"], "month": "2020-09", "added": 1,
                                "updated": 0, "unchanged": 0}
    rows, events = _count(ServiceUsage), _count(AuditEvent)
    again = client.put(url, headers=leader, json=body)
    assert again.get_json() == {"unit_id": world["unit"], "month": "2020-09", "added": 0,
                                "updated": 0, "unchanged": 1}
    assert (_count(ServiceUsage), _count(AuditEvent)) == (rows, events)
    body["services"][0]["total"] = 41
    replaced = client.put(url, headers=leader, json=body).get_json()
    assert (replaced["added"], replaced["updated"]) == (0, 1)
    read = client.get(url, headers=leader).get_json()
    assert read["services"] == [{"service_id": world["service"], "code": "B-1",
                                 "month": "2020-09", "total": 41, "online": 30,
                                 "paid_online": 5, "digitised": 12}]


def test_the_usage_push_refuses_bad_figures_whole(app, client, world, token_for):
    leader = token_for("leader")
    before = _count(ServiceUsage)
    response = client.put(f"/api/v1/units/{world['unit']}/usage/2020-09", headers=leader,
                          json={"services": [{"code": "B-1", "total": 5, "online": 9},
                                             {"code": "A-1", "total": 5}]})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = response.get_json()["errors"]
    assert set(errors) == {"services.0", "services.1"}  # more online than total; not B's
    assert _count(ServiceUsage) == before
    future = (utcnow() + timedelta(days=70)).strftime("%Y-%m")
    assert client.put(f"/api/v1/units/{world['unit']}/usage/{future}", headers=leader,
                      json={"services": [{"code": "B-1", "total": 1}]}).status_code == 422
    bad_month = client.put(f"/api/v1/units/{world['unit']}/usage/2020-13", headers=leader,
                           json={"services": [{"code": "B-1", "total": 1}]})
    assert bad_month.status_code == 422 and "month" in bad_month.get_json()["errors"]


def test_expired_revoked_and_deactivated_tokens_are_refused(app, client, world):
    user, secret = make_token("viewer", expires_days=1)
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert token.last_used_at is not None
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(secret)).status_code == 401
    user2, secret2 = make_token("viewer")
    tokens.revoke_token(db.session, db.session.scalar(select(ApiToken).where(
        ApiToken.user_id == user2.id)), actor=user2, now=utcnow())
    db.session.commit()
    assert client.get("/api/v1/units", headers=bearer(secret2)).status_code == 401
    user3, secret3 = make_token("viewer")
    db.session.get(User, user3.id).active = False
    db.session.commit()
    response = client.get("/api/v1/units", headers=bearer(secret3))
    assert response.status_code == 401 and response.mimetype == PROBLEM
    for header in ("Bearer", "Bearer tf_nope", "Basic dXNlcjpwYXNz", secret3):
        assert client.get("/api/v1/units",
                          headers={"Authorization": header}).status_code == 401


def test_a_session_cookie_does_not_authenticate_and_csrf_does_not_apply(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.api.conftest import build_world

        world = build_world()
        leader = factories.user(role="leader")
        db.session.commit()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        import re

        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert client.post("/login", data={"email": leader.email, "password":
                                           factories.PASSWORD, "csrf_token": csrf}
                           ).status_code == 302
        assert client.get("/api/v1/tasks").status_code == 401  # the session is not enough
        _user, secret = make_token("leader")
        response = client.post(f"/api/v1/tasks/{world['task']}/updates",
                               headers=bearer(secret), data={"note": "Không cần CSRF"})
        assert response.status_code == 201, response.get_data(as_text=True)


def test_a_status_update_with_files_and_the_task_timeline(app, client, world, token_for):
    leader = token_for("leader")
    response = client.post(
        f"/api/v1/tasks/{world['task']}/updates", headers=leader,
        content_type="multipart/form-data",
        data={"note": "Đã gửi biên bản", "progress": "50", "status": "in_progress",
              "files": [(io.BytesIO(b"%PDF-1.4 one"), "mot.pdf"),
                        (io.BytesIO(b"%PDF-1.4 two"), "hai.pdf")]})
    assert response.status_code == 201, response.get_data(as_text=True)
    update = response.get_json()
    assert len(update["files"]) == 2 and update["progress"] == 50
    assert client.get(f"/api/v1/files/{update['files'][0]}", headers=leader).data \
        == b"%PDF-1.4 one"
    task = client.get(f"/api/v1/tasks/{world['task']}", headers=leader).get_json()
    assert task["status"] == "in_progress"
    assert task["timeline"][0]["kind"] == "update"
    assert task["timeline"][0]["detail"]["files"] == update["files"]
    assert "edit" in task["actions"]
    bad = client.post(f"/api/v1/tasks/{world['task']}/updates", headers=leader,
                      content_type="multipart/form-data",
                      data={"files": [(io.BytesIO(b"MZ\x90\x00"), "virus.exe")]})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert _count(StatusUpdate) == 1


def test_create_edit_and_the_lists_filters_and_paging(app, client, world, token_for):
    leader = token_for("leader")
    made = client.post("/api/v1/tasks", headers=leader, json={
        "kind": "general", "title": "Rà soát quy trình", "due_on": world["later"],
        "unit": world["unit"], "priority": "high"})
    assert made.status_code == 201, made.get_data(as_text=True)
    task_id = made.get_json()["id"]
    edited = client.patch(f"/api/v1/tasks/{task_id}", headers=leader,
                          json={"title": "Rà soát lại quy trình"}).get_json()
    assert (edited["title"], edited["priority"]) == ("Rà soát lại quy trình", "high")
    page = client.get(f"/api/v1/tasks?unit={world['unit']}&per_page=1&sort=title",
                      headers=leader).get_json()
    assert (page["total"], page["pages"], page["per_page"], len(page["items"])) == (2, 2, 1, 1)
    assert page["links"]["next"].endswith("page=2&per_page=1") or "page=2" in \
        page["links"]["next"]
    assert page["links"]["prev"] is None
    assert f"unit={world['unit']}" in page["links"]["next"]
    second = client.get(page["links"]["next"], headers=leader).get_json()
    assert second["page"] == 2 and second["items"][0]["id"] != page["items"][0]["id"]
    found = client.get("/api/v1/tasks?q=soát lại", headers=leader).get_json()
    assert [t["id"] for t in found["items"]] == [task_id]
    assert "figures" in found["items"][0]
    assert db.session.get(Task, task_id).priority == "high"


def test_problem_details_for_each_error(make_app):
    app = make_app(API_RATE_LIMIT="4 per minute")
    with app.app_context():
        from tests.api.conftest import build_world

        world = build_world()
        client = app.test_client()
        _user, secret = make_token("leader")
        leader = bearer(secret)
        answers = {
            401: client.get("/api/v1/units"),
            404: client.get("/api/v1/tasks/999999", headers=leader),
            422: client.get("/api/v1/tasks?per_page=500", headers=leader),
        }
        past = client.post("/api/v1/tasks", headers=leader, json={
            "kind": "general", "title": "Quá hạn", "due_on": "2020-01-01",
            "unit": world["unit"]})
        for status, response in answers.items():
            body = response.get_json()
            assert response.status_code == status and response.mimetype == PROBLEM
            assert body["status"] == status and body["title"] and body["type"]
        assert "per_page" in answers[422].get_json()["errors"]
        assert past.status_code == 422 and "due_on" in past.get_json()["errors"]
        _user, viewer = make_token("viewer")
        forbidden = client.post("/api/v1/tasks", headers=bearer(viewer), json={})
        assert forbidden.status_code == 403 and forbidden.mimetype == PROBLEM
        broken = client.post(f"/api/v1/tasks/{world['task']}/return",
                             headers={**bearer(viewer), "Content-Type": "application/json"},
                             data="{not json")
        assert broken.status_code in (400, 403)
        _user, other_leader = make_token("leader")
        broken = client.post(f"/api/v1/tasks/{world['task']}/return",
                             headers={**bearer(other_leader), "Content-Type":
                                      "application/json"}, data="{not json")
        assert broken.status_code == 400 and broken.mimetype == PROBLEM
        assert broken.get_json()["status"] == 400
        client.get("/api/v1/units", headers=leader)  # the leader's fourth request
        # The fourth request of the leader's token within the minute was the last allowed.
        limited = client.get("/api/v1/units", headers=leader)
        assert limited.status_code == 429 and limited.mimetype == PROBLEM
        assert client.get("/api/v1/units", headers=bearer(viewer)).status_code == 200


def test_the_rate_limit_per_token_in_redis(make_app):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app = make_app(API_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=url)
    with app.app_context():
        client = app.test_client()
        _user, secret = make_token("viewer")
        answers = [client.get("/api/v1/units", headers=bearer(secret)).status_code
                   for _ in range(3)]
        assert answers == [200, 200, 429]
        keys = redis.Redis.from_url(url).keys("*api-token*")
        assert keys, "the counts are kept in Redis"
        assert not any(secret.encode() in key for key in keys)


def test_production_counts_in_redis_url(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    reloaded = importlib.reload(config)
    try:
        assert reloaded.ProductionConfig.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"
        assert reloaded.TestingConfig.RATELIMIT_STORAGE_URI == "memory://"
    finally:
        monkeypatch.undo()
        importlib.reload(config)


def test_too_large_and_unknown_addresses_are_problems_too(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2000)
    with app.app_context():
        client = app.test_client()
        _user, secret = make_token("leader")
        large = client.post("/api/v1/tasks", headers=bearer(secret),
                            json={"title": "x" * 5000})
        assert large.status_code == 413 and large.mimetype == PROBLEM
        assert large.get_json()["status"] == 413
        for method in ("GET", "DELETE"):
            missing = client.open("/api/v1/tasks/1/nothing", method=method,
                                  headers=bearer(secret))
            assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_indicators_and_a_reviews_files(app, client, world, token_for):
    viewer = token_for("viewer")
    indicators = client.get("/api/v1/indicators?as_of=2020-08-31", headers=viewer).get_json()
    assert indicators["as_of"] == "2020-08-31" and indicators["plan"]["code"] == "KH"
    assert [i["code"] for i in indicators["indicators"]] == ["L4"]
    assert client.get("/api/v1/indicators?plan=NOPE", headers=viewer).status_code == 422
    listed = client.get("/api/v1/reviews", headers=viewer).get_json()
    assert [r["id"] for r in listed["items"]] == [world["review"]]
    for kind, mimetype in (("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")):
        response = client.get(f"/api/v1/reviews/{world['review']}/{kind}", headers=viewer)
        assert response.status_code == 200 and mimetype in response.mimetype
        assert response.data[:2] == b"PK"
        assert response.headers["Content-Disposition"].startswith("attachment")
    service = client.get(f"/api/v1/services/{world['service']}", headers=viewer).get_json()
    assert [(c["to_level"], c["status"]) for c in service["history"]] == [(3, "verified"),
                                                                        (4, "pending")]


def test_problems_speak_the_token_users_language(app, client, world):
    _user, english = make_token("viewer", locale="en")
    _user, default = make_token("viewer")
    body = {"kind": "general", "title": "x", "due_on": world["later"]}
    said = {name: client.post("/api/v1/tasks", headers=bearer(secret), json=body)
            .get_json()["detail"] for name, secret in (("en", english), ("vi", default))}
    assert said["en"] == "Your account may not do this."
    assert said["vi"] == "Tài khoản của bạn không được làm việc này."
