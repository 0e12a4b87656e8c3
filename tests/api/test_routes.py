"""Every API endpoint × every role and an anonymous caller, from one table; a new endpoint
without a row fails the test. Objects belong to unit B, which the officer (of unit A) does not
work for and the member does not follow."""

import io

import pytest

from tests.api.conftest import ROLES

EVERYONE = set(ROLES)
PUBLIC = "public"
READERS = {"admin", "leader", "member", "viewer"}  # not the officer: unit B's objects

# endpoint: (method, url, body or None, roles allowed). Bodies may name world values.
ROUTES = {
    "api_tasks.list_tasks": ("GET", "/api/v1/tasks?status=open&per_page=5", None, EVERYONE),
    "api_tasks.create_task": ("POST", "/api/v1/tasks", {
        "kind": "general", "title": "Báo cáo qua API", "due_on": "{later}", "unit": "{unit}"},
        {"leader"}),
    "api_tasks.get_task": ("GET", "/api/v1/tasks/{task}", None, READERS),
    "api_tasks.edit_task": ("PATCH", "/api/v1/tasks/{task}", {"priority": "high"}, {"leader"}),
    "api_tasks.log_update": ("POST", "/api/v1/tasks/{task}/updates", "multipart", {"leader"}),
    "api_tasks.accept_task": ("POST", "/api/v1/tasks/{task}/accept", {}, {"leader"}),
    "api_tasks.return_task": ("POST", "/api/v1/tasks/{task}/return", {"reason": "Thiếu"},
                              {"leader"}),
    "api_tasks.request_extension": ("POST", "/api/v1/tasks/{task}/extensions", {
        "requested_due_on": "{later}", "reason": "Chờ VNPT"}, {"leader"}),
    "api_tasks.decide_extension": ("POST", "/api/v1/tasks/{task}/extensions/{extension}/decision",
                                   {"approve": False}, {"leader"}),
    "api_tasks.get_file": ("GET", "/api/v1/files/{file}", None, READERS),
    "api_catalog.list_units": ("GET", "/api/v1/units", None, EVERYONE),
    "api_catalog.get_unit": ("GET", "/api/v1/units/{unit}", None, EVERYONE),
    "api_catalog.list_services": ("GET", "/api/v1/services?q=th", None, EVERYONE),
    "api_catalog.get_service": ("GET", "/api/v1/services/{service}", None, EVERYONE),
    "api_catalog.claim_level": ("POST", "/api/v1/services/{service}/claims", {
        "to_level": 3, "effective_on": "{today}"}, {"leader", "member"}),
    "api_catalog.list_claims": ("GET", "/api/v1/claims", None, {"leader"}),
    "api_catalog.verify_claim": ("POST", "/api/v1/claims/{claim}/verify", None, {"leader"}),
    "api_catalog.return_claim": ("POST", "/api/v1/claims/{claim}/return", {"reason": "Thiếu"},
                                 {"leader"}),
    "api_catalog.get_usage": ("GET", "/api/v1/units/{unit}/usage/2020-08", None, EVERYONE),
    "api_catalog.put_usage": ("PUT", "/api/v1/units/{unit}/usage/2020-08", {"services": [
        {"code": "B-1", "total": 20, "online": 8}]}, {"admin", "leader"}),
    "api_reports.indicators": ("GET", "/api/v1/indicators?as_of=2020-08-31", None, EVERYONE),
    "api_reports.list_reviews": ("GET", "/api/v1/reviews", None, EVERYONE),
    "api_reports.get_review": ("GET", "/api/v1/reviews/{review}", None, EVERYONE),
    "api_reports.review_xlsx": ("GET", "/api/v1/reviews/{review}/xlsx", None, EVERYONE),
    "api_reports.review_docx": ("GET", "/api/v1/reviews/{review}/docx", None, EVERYONE),
    "api.openapi": ("GET", "/api/v1/openapi.json", None, PUBLIC),
    "api.reference": ("GET", "/api/v1/docs", None, PUBLIC),
    "api.reference_script": ("GET", "/api/v1/docs/init.js", None, PUBLIC),
    "api.reference_file": ("GET", "/api/v1/docs/swagger-ui.css", None, PUBLIC),
    "api.not_found": ("GET", "/api/v1/no/such/thing", None, "none"),
}
API_BLUEPRINTS = ("api", "api_tasks", "api_catalog", "api_reports")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def api_endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in API_BLUEPRINTS}


def _fill(value, world):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world[value[1:-1]]  # an id stays a number
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


def call(client, endpoint, world, headers):
    method, url, body, _allowed = ROUTES[endpoint]
    url = url.format(**world)
    if body == "multipart":
        return client.open(url, method=method, headers=headers, data={
            "note": "Đã làm", "progress": "40",
            "files": [(io.BytesIO(b"%PDF-1.4 bien ban"), "bien-ban.pdf")]},
            content_type="multipart/form-data")
    if body is None:
        return client.open(url, method=method, headers=headers)
    return client.open(url, method=method, headers=headers, json=_fill(body, world))


def test_every_api_endpoint_is_in_the_table(app):
    endpoints = api_endpoints(app)
    assert endpoints - set(ROUTES) == set(), "API endpoints without a row"
    assert set(ROUTES) - endpoints == set(), "rows for endpoints that do not exist"


def test_every_api_view_declares_its_permission(app):
    assert [e for e in api_endpoints(app) if not hasattr(app.view_functions[e], "permission")] \
        == []


@pytest.mark.parametrize("role", ("anonymous", *ROLES))
def test_role_against_every_endpoint(app, client, world, token_for, role):
    headers = token_for(role) if role != "anonymous" else {}
    for endpoint, (_method, _url, _body, allowed) in sorted(ROUTES.items()):
        response = call(client, endpoint, world, headers)
        status = response.status_code
        assert status < 500, f"{endpoint} gave {status} for {role}"
        if allowed == PUBLIC:
            assert status == 200, f"{endpoint} for {role}: {status}"
            continue
        assert response.mimetype in ("application/json", "application/problem+json",
                                     "application/octet-stream") \
            or response.mimetype.startswith("application/vnd."), endpoint
        if allowed == "none":
            assert status == 404 and response.mimetype == "application/problem+json"
        elif role == "anonymous":
            assert status == 401, f"{endpoint} for anonymous: {status}"
            assert response.mimetype == "application/problem+json"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
        elif role in allowed:
            assert status in (200, 201, 422), \
                f"{endpoint} for {role}: {status} {response.get_data(as_text=True)[:300]}"
        else:
            assert status == 403, f"{endpoint} for {role}: {status}"
            assert response.get_json()["status"] == 403


@pytest.mark.parametrize("role", ROLES)
def test_a_read_token_writes_nothing(app, client, world, token_for, role):
    headers = token_for(role, scope="read")
    for endpoint, (method, _url, _body, _allowed) in sorted(ROUTES.items()):
        response = call(client, endpoint, world, headers)
        if method in WRITES and not endpoint.startswith("api."):
            assert response.status_code == 403, endpoint
            assert response.mimetype == "application/problem+json"
        else:
            assert response.status_code < 500
