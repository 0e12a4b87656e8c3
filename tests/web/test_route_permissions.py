"""Every route × every role against one declared table of who may do what.

A route missing from the table fails the test, so no page ships without a rule.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app

from taskforce.extensions import db
from taskforce.models import (
    Attachment,
    ExtensionRequest,
    Indicator,
    Milestone,
    OutboxMessage,
    Plan,
    ScoreRow,
    ScoreTable,
    WebhookSubscription,
)
from taskforce.models.types import utcnow
from taskforce.services import reviews
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
    "auth.login_code": ("GET", "/login/code", PUBLIC),
    "auth.two_factor": ("GET", "/account/two-factor", EVERYONE),
    # One's own API tokens; revoking without a token of one's own goes back to the list.
    "tokens.index": ("GET", "/account/tokens", EVERYONE),
    "tokens.revoke": ("GET", "/account/tokens/revoke", EVERYONE),
    # One's own address's e-mail choices; a unit's addresses' by its officers and admins (the
    # world's unit is not the logged-in officer's).
    "mail.mine": ("GET", "/account/mail", EVERYONE),
    "mail.unit": ("GET", "/units/{unit}/mail", {"admin"}),
    "dashboard.home": ("GET", "/", PUBLIC),
    "dashboard.index": ("GET", "/dashboard", EVERYONE),
    "dashboard.trend_svg": ("GET", "/dashboard/trend.svg", EVERYONE),
    "dashboard.trend_png": ("GET", "/dashboard/trend.png", EVERYONE),
    "dashboard.units_svg": ("GET", "/dashboard/units.svg", EVERYONE),
    "dashboard.units_png": ("GET", "/dashboard/units.png", EVERYONE),
    "dashboard.export": ("GET", "/dashboard/export.xlsx", EVERYONE),
    "roster.index": ("GET", "/roster", EVERYONE),
    "roster.create": ("GET", "/roster/new", {"admin", "leader"}),
    "roster.edit": ("GET", "/roster/{member}/edit", {"admin", "leader"}),
    "units.index": ("GET", "/units", EVERYONE),
    "units.detail": ("GET", "/units/{unit}", EVERYONE),
    # Catalog. The world's service belongs to a unit that is not the logged-in officer's.
    "catalog.index": ("GET", "/catalog", EVERYONE),
    "catalog.export": ("GET", "/catalog/export.xlsx", EVERYONE),
    "catalog.detail": ("GET", "/catalog/{service}", EVERYONE),
    "catalog.claim": ("GET", "/catalog/{service}/claim", {"leader", "member"}),
    "catalog.claims": ("GET", "/catalog/claims", {"leader"}),
    "catalog.return_claim": ("GET", "/catalog/claims/{claim}/return", {"leader"}),
    "catalog.verify": ("POST", "/catalog/claims/{claim}/verify", {"leader"}),
    # The file is a claim's evidence for that unit's service: not for another unit's officer.
    "catalog.evidence": ("GET", "/files/{file}", {"admin", "leader", "member", "viewer"}),
    "catalog.import_catalog": ("GET", "/catalog/import", {"admin", "leader"}),
    "catalog.import_confirm": ("POST", "/catalog/import/confirm", {"admin", "leader"}),
    "catalog.import_template": ("GET", "/catalog/import/templates/usage.xlsx", {"admin", "leader"}),
    "admin.users": ("GET", "/admin/users", {"admin"}),
    "admin.user_create": ("GET", "/admin/users/new", {"admin"}),
    "admin.user_edit": ("GET", "/admin/users/{user}", {"admin"}),
    "admin.unit_list": ("GET", "/admin/units", {"admin"}),
    "admin.unit_create": ("GET", "/admin/units/new", {"admin"}),
    "admin.unit_edit": ("GET", "/admin/units/{unit}", {"admin"}),
    "admin.reorganisations_page": ("GET", "/admin/reorganisations", {"admin"}),
    "admin.reorganisations_confirm": ("POST", "/admin/reorganisations/confirm", {"admin"}),
    # Tasks. The world's task is of a unit that the logged-in officer does not belong to and
    # that the logged-in member does not follow; tests/web/test_tasks.py covers ownership.
    "tasks.index": ("GET", "/tasks", EVERYONE),
    "tasks.export": ("GET", "/tasks/export.xlsx", EVERYONE),
    "tasks.board": ("GET", "/tasks/board", EVERYONE),
    "tasks.mine": ("GET", "/my-work", EVERYONE),
    "tasks.new": ("GET", "/tasks/new", {"leader"}),
    "tasks.detail": ("GET", "/tasks/{task}", {"admin", "leader", "member", "viewer"}),
    "tasks.edit": ("GET", "/tasks/{task}/edit", {"leader"}),
    "tasks.update": ("POST", "/tasks/{task}/updates", {"leader"}),
    "tasks.claim": ("POST", "/tasks/{task}/claims", {"leader"}),
    "tasks.verify_claim": ("POST", "/tasks/{task}/claims/{change}/verify", {"leader"}),
    "tasks.accept": ("POST", "/tasks/{task}/accept", {"leader"}),
    "tasks.return_task": ("GET", "/tasks/{task}/return", {"leader"}),
    "tasks.cancel": ("GET", "/tasks/{task}/cancel", {"leader"}),
    "tasks.extension_request": ("GET", "/tasks/{task}/extensions/new", {"leader"}),
    "tasks.extension_decide": ("POST", "/tasks/{task}/extensions/{extension}/decide",
                               {"leader"}),
    # The assignment wizard, the calendar and its secret-address feeds, notifications.
    "tasks.wizard": ("GET", "/tasks/assign", {"leader"}),
    "tasks.calendar": ("GET", "/calendar", EVERYONE),
    "tasks.calendar_reset": ("GET", "/calendar/token", EVERYONE),
    "tasks.ical_user": ("GET", "/calendar/{calendar_token}.ics", PUBLIC),
    "tasks.ical_unit": ("GET", "/calendar/unit/{unit_token}.ics", PUBLIC),
    # Those who act for a unit renew its feed address; the world's unit is neither the
    # logged-in officer's nor followed by the logged-in member.
    "tasks.unit_calendar_reset": ("GET", "/calendar/unit/{unit}/token", {"admin", "leader"}),
    "notifications.index": ("GET", "/notifications", EVERYONE),
    "notifications.read": ("POST", "/notifications/read", EVERYONE),
    "admin.audit": ("GET", "/admin/audit", {"admin", "leader"}),
    # Reviews: everyone reads them; the leadership (and admins) build and e-mail them.
    "plans.index": ("GET", "/plans", EVERYONE),
    "plans.detail": ("GET", "/plans/{plan}", EVERYONE),
    "plans.create": ("GET", "/plans/new", {"admin", "leader"}),
    "plans.edit": ("GET", "/plans/{plan}/edit", {"admin", "leader"}),
    "plans.make_default": ("GET", "/plans/{plan}/default", {"admin", "leader"}),
    "plans.delete": ("GET", "/plans/{plan}/delete", {"admin", "leader"}),
    "reviews.index": ("GET", "/reviews", EVERYONE),
    "reviews.detail": ("GET", "/reviews/{review}", EVERYONE),
    "reviews.trend": ("GET", "/reviews/{review}/trend.svg", EVERYONE),
    "reviews.export_xlsx": ("GET", "/reviews/{review}/review.xlsx", EVERYONE),
    "reviews.export_docx": ("GET", "/reviews/{review}/report.docx", EVERYONE),
    "reviews.build": ("GET", "/reviews/new", {"admin", "leader"}),
    "reviews.send": ("POST", "/reviews/{review}/send", {"admin", "leader"}),
    "reviews.letter": ("POST", "/reviews/{review}/letter", {"admin", "leader"}),
    # The outbox and the settings: administrators only.
    "outbox.index": ("GET", "/admin/outbox", {"admin"}),
    "outbox.detail": ("GET", "/admin/outbox/{message}", {"admin"}),
    "outbox.body": ("GET", "/admin/outbox/{message}/body.html", {"admin"}),
    "outbox.eml": ("GET", "/admin/outbox/{message}.eml", {"admin"}),
    "outbox.send_again": ("POST", "/admin/outbox/{message}/send-again", {"admin"}),
    # Webhook subscriptions: administrators only.
    "webhooks.index": ("GET", "/admin/webhooks", {"admin"}),
    "webhooks.edit": ("GET", "/admin/webhooks/{webhook}", {"admin"}),
    "webhooks.test": ("POST", "/admin/webhooks/{webhook}/test", {"admin"}),
    "webhooks.delete": ("GET", "/admin/webhooks/{webhook}/delete", {"admin"}),
    "settings.index": ("GET", "/admin/settings", {"admin"}),
    # The 766 scorecard: seen by all, imported by the leadership and administrators; a task
    # made of a unit's weakest group by those who manage tasks.
    "scorecard.index": ("GET", "/scorecard", EVERYONE),
    "scorecard.upload": ("GET", "/scorecard/import", {"admin", "leader"}),
    "scorecard.confirm": ("POST", "/scorecard/import/confirm", {"admin", "leader"}),
    "scorecard.yardstick": ("GET", "/scorecard/settings", {"admin"}),
    "scorecard.weakest_task": ("GET", "/scorecard/{score_table}/units/{unit}/task", {"leader"}),
}

# Served by libraries, open to all: static files.
IGNORED = {"static", "bootstrap.static"}
# The JSON API's endpoints have their own table, walked with tokens: tests/api/test_routes.py.
API_BLUEPRINTS = ("api", "api_tasks", "api_catalog", "api_reports")


def web_endpoints(app):
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] not in API_BLUEPRINTS} - IGNORED


def build_world():
    unit = factories.unit(name="Sở Tư pháp")
    user = factories.user(role="viewer")
    member = factories.member(units=[unit])
    service = factories.service(unit)
    task = factories.task(unit)
    extension = ExtensionRequest(task_id=task.id, previous_due_on=task.due_on,
                                 requested_due_on=task.due_on + timedelta(days=10),
                                 reason="Chờ kết nối thanh toán")
    db.session.add(extension)
    claim = factories.level_change(service, 4, date(2020, 6, 1), status="pending")
    evidence = Attachment(service_id=service.id, original_name="bien-ban.pdf",
                          stored_name="a" * 32, content_type="application/pdf", size=8)
    db.session.add(evidence)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / evidence.stored_name).write_bytes(b"%PDF-1.4")
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 1),
                                  end=date(2020, 10, 5), now=utcnow())
    message = OutboxMessage(dedupe_key="test:1", kind="reminder", recipient="a@stp.test",
                            subject="Nhắc việc", body_text="Nhắc việc", body_html="<p>x</p>")
    db.session.add(message)
    plan = Plan(code="KH", name="Kế hoạch", starts_on=date(2020, 1, 1),
                ends_on=date(2020, 12, 31), is_default=True, indicators=[Indicator(
                    code="L4", name="Mức độ 4", measure="share_at_class", params={},
                    milestones=[Milestone(target_value=0.3, target_on=date(2020, 12, 31))])])
    db.session.add(plan)
    webhook = WebhookSubscription(name="Zalo", url="http://127.0.0.1:9/hook",
                                  secret="s" * 16, events="task.assigned")
    db.session.add(webhook)
    score_table = ScoreTable(period_kind="month", period_start=date(2020, 9, 1), rows=[ScoreRow(
        unit=unit, ckmb=10, tdgq=10, clgq=10, tttt=10, mdsh=10, mdhl=10, total=60)])
    db.session.add(score_table)
    db.session.commit()
    return {"webhook": webhook.id, "score_table": score_table.id,
            "plan": plan.id, "message": message.id, "review": review.id, "unit": unit.id,
            "user": user.id,
            "member": member.id, "task": task.id, "extension": extension.id,
            "change": service.level_changes[0].id, "service": service.id, "claim": claim.id,
            "file": evidence.id,
            "calendar_token": user.calendar_token,
            "unit_token": unit.feed_token}


def test_every_route_is_in_the_table(app):
    endpoints = web_endpoints(app)
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
