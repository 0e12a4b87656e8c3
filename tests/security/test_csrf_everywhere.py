"""Every route that accepts POST refuses a request without a valid CSRF token, for every role.

The routes come from the URL map, so a new form is covered the day it is added.
"""

import pytest

from taskforce.extensions import db
from taskforce.models import Role, Unit
from tests import factories
from tests.security import COUNTS
from tests.security.world import (
    PLAUSIBLE,
    TODAY,
    build_world,
    changed,
    csrf_token,
    log_in,
    routes,
    snapshot,
    url_of,
)

ROLES = ("anonymous", *Role)


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True, TODAY=TODAY)
    with app.app_context():
        yield app
        db.session.rollback()


def _client(app, role, world):
    client = app.test_client()
    if role != "anonymous":
        unit = db.session.get(Unit, world["unit_a"]) if role == Role.UNIT_OFFICER else None
        user = factories.user(role=role, unit=unit)
        db.session.commit()
        log_in(client, user.email, with_token=True)
    return client


def _post_everywhere(client, app, world, data):
    """Post ``data`` to every POST route; return (routes posted, problems)."""
    posted, problems, before = 0, [], snapshot()
    for rule, _method in routes(app, "POST"):
        response = client.post(url_of(rule, world), data=data)
        if response.status_code != 400:
            problems.append(f"{rule.endpoint}: {response.status_code}")
        posted += 1
    if changed(before, snapshot()):
        problems.append(f"the refused posts wrote to {changed(before, snapshot())}")
    return posted, problems


@pytest.mark.parametrize("role", ROLES)
def test_posts_without_a_token_are_refused(csrf_app, role):
    world = build_world()
    client = _client(csrf_app, role, world)
    posted, problems = _post_everywhere(client, csrf_app, world, PLAUSIBLE)
    COUNTS["routes_roles"] += posted
    assert problems == [], f"{posted} POST routes checked for {role}"
    assert posted >= 20, f"only {posted} POST routes found"
    if role != "anonymous":
        assert client.get("/dashboard").status_code == 200, "the refused posts logged out"


def test_a_token_of_another_session_is_refused(csrf_app):
    world = build_world()
    client = _client(csrf_app, Role.LEADER, world)
    stranger = csrf_app.test_client()
    forged = {**PLAUSIBLE, "csrf_token": csrf_token(stranger.get("/login").get_data(as_text=True))}
    posted, problems = _post_everywhere(client, csrf_app, world, forged)
    COUNTS["routes_roles"] += posted
    assert problems == [], f"{posted} POST routes checked with a forged token"
