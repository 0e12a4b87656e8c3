"""Every route × every role against one declared table of who may do what.

A route missing from the table fails the test, so no page ships without a rule.
"""

import pytest

from taskforce.extensions import db
from tests import factories

ROLES = ("anonymous", "admin", "leader", "member", "unit_officer", "viewer")
EVERYONE = {"admin", "leader", "member", "unit_officer", "viewer"}
PUBLIC = "public"

# endpoint: (method, url template, roles allowed). Templates use the ids of `world`.
ROUTES = {
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.logout": ("POST", "/logout", EVERYONE),
    "auth.change_password": ("GET", "/account/password", EVERYONE),
    "auth.set_language": ("POST", "/language", PUBLIC),
    "dashboard.home": ("GET", "/", PUBLIC),
    "dashboard.index": ("GET", "/dashboard", EVERYONE),
    "roster.index": ("GET", "/roster", EVERYONE),
    "roster.create": ("GET", "/roster/new", {"admin", "leader"}),
    "roster.edit": ("GET", "/roster/{member}/edit", {"admin", "leader"}),
    "units.index": ("GET", "/units", EVERYONE),
    "units.detail": ("GET", "/units/{unit}", EVERYONE),
    "admin.users": ("GET", "/admin/users", {"admin"}),
    "admin.user_create": ("GET", "/admin/users/new", {"admin"}),
    "admin.user_edit": ("GET", "/admin/users/{user}", {"admin"}),
    "admin.unit_list": ("GET", "/admin/units", {"admin"}),
    "admin.unit_create": ("GET", "/admin/units/new", {"admin"}),
    "admin.unit_edit": ("GET", "/admin/units/{unit}", {"admin"}),
}

# Served by libraries, open to all: static files.
IGNORED = {"static", "bootstrap.static"}


def build_world():
    unit = factories.unit(name="Sở Tư pháp")
    user = factories.user(role="viewer")
    member = factories.member(units=[unit])
    factories.service(unit)
    db.session.commit()
    return {"unit": unit.id, "user": user.id, "member": member.id}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - IGNORED
    assert endpoints - set(ROUTES) == set(), "routes without a declared permission"
    assert set(ROUTES) - endpoints == set(), "table rows for routes that do not exist"


def test_every_view_declares_its_permission(app):
    missing = []
    for endpoint, view in app.view_functions.items():
        if endpoint in IGNORED:
            continue
        if not hasattr(view, "permission"):
            missing.append(endpoint)
    assert missing == []


@pytest.mark.parametrize("role", ROLES)
def test_role_against_every_route(app, client, login_as, role):
    world = build_world()
    if role != "anonymous":
        login_as(role)
    checked = 0
    for endpoint, (method, template, allowed) in sorted(ROUTES.items()):
        if endpoint == "auth.logout":
            continue  # would end the session for the rows after it; tested in test_auth
        url = template.format(**world)
        response = client.open(url, method=method)
        status = response.status_code
        assert status != 500, f"{endpoint} gave 500 for {role}"
        if allowed == PUBLIC:
            assert status in (200, 302), f"{endpoint} for {role}: {status}"
        elif role == "anonymous":
            assert status == 302 and "/login" in response.headers["Location"], endpoint
        elif role in allowed:
            assert status in (200, 302), f"{endpoint} for {role}: {status}"
        else:
            assert status == 403, f"{endpoint} for {role}: {status}"
        checked += 1
    assert checked == len(ROUTES) - 1
