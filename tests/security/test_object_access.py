"""A unit officer never reaches another unit's tasks, claims, files or notifications.

Every route of the URL map that takes an id is opened by the officer of unit A with the ids
of unit B's objects: refused (403 or 404), nothing written, nothing of B's shown.
"""

from taskforce.extensions import db
from taskforce.models import Role, Unit
from tests import factories
from tests.security import COUNTS
from tests.security.world import (
    B_NOTICE,
    PLAUSIBLE,
    SECRETS,
    build_world,
    changed,
    log_in,
    routes,
    snapshot,
    url_of,
)

# Objects every role may read (DESIGN §4): shown, but never with unit B's tasks in them.
SHARED = {
    "catalog.detail": "the catalog is everyone's",
    "units.detail": "units and their figures are everyone's; the unit's tasks are not",
    "reviews.detail": "reviews are the whole task force's summaries",
    "reviews.trend": "reviews are the whole task force's summaries",
    "reviews.export_xlsx": "reviews are the whole task force's summaries",
    "reviews.export_docx": "reviews are the whole task force's summaries",
    "plans.detail": "plans and their indicators are the whole task force's yardsticks",
}
# A review sums up every unit's tasks, titles included, for everyone.
SUMMARIES = {"reviews.detail", "reviews.trend", "reviews.export_xlsx", "reviews.export_docx"}
# Secret-address feeds: whoever holds the token may read them, logged in or not.
CAPABILITY_URLS = {"tasks.ical_user", "tasks.ical_unit"}


def _officer_of_unit_a(app, world):
    officer = factories.user(role=Role.UNIT_OFFICER, unit=db.session.get(Unit, world["unit_a"]))
    db.session.commit()
    client = app.test_client()
    log_in(client, officer.email)
    return client


def _problems(endpoint, method, response, before, after):
    problems = []
    body = response.data.decode("utf-8", "replace")
    if endpoint in SHARED:
        if response.status_code >= 400:
            problems.append(f"status {response.status_code} for a shared object")
    elif response.status_code not in (403, 404):
        problems.append(f"status {response.status_code}, not 403 or 404")
    if endpoint not in SUMMARIES:
        problems += [f"shows {secret!r}" for secret in SECRETS if secret in body]
    if changed(before, after):
        problems.append(f"wrote to {changed(before, after)}")
    return [f"{method} {endpoint}: {problem}" for problem in problems]


def test_officer_of_unit_a_gets_nothing_of_unit_b_by_id(secure_app):
    world = build_world()
    client = _officer_of_unit_a(secure_app, world)
    checked, problems = 0, []
    for rule, method in routes(secure_app):
        if not rule.arguments or rule.endpoint in CAPABILITY_URLS:
            continue
        before = snapshot()
        response = client.open(url_of(rule, world), method=method,
                               data=PLAUSIBLE if method == "POST" else None)
        problems += _problems(rule.endpoint, method, response, before, snapshot())
        checked += 1
    COUNTS["routes_roles"] += checked
    assert problems == [], f"{checked} routes with ids checked"
    assert checked >= 30, f"only {checked} routes with ids were found"
    # The officer was logged in throughout and does reach their own unit's task.
    assert client.get(f"/tasks/{world['task_a']}").status_code == 200


def test_another_users_notifications_are_neither_shown_nor_marked(secure_app):
    world = build_world()
    client = _officer_of_unit_a(secure_app, world)
    before = snapshot()
    for data in ({"id": world["notification_b"]}, {}):
        response = client.post("/notifications/read", data=data)
        assert response.status_code == 302
    assert changed(before, snapshot()) == []
    for url in ("/notifications", "/notifications?unread=1"):
        page = client.get(url).get_data(as_text=True)
        assert B_NOTICE not in page and SECRETS[0] not in page
    COUNTS["routes_roles"] += 2
