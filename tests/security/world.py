"""A small world of two units for the security tests, URLs filled from it, and snapshots.

Unit A is the logged-in officer's; unit B holds the objects that officer must never reach.
"""

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from taskforce.extensions import db
from taskforce.models import (
    Attachment,
    ClaimStatus,
    ExtensionRequest,
    Indicator,
    Milestone,
    Notification,
    OutboxMessage,
    OutboxState,
    Plan,
    Role,
    ScoreRow,
    ScoreTable,
    StatusUpdate,
    TaskKind,
    TaskStatus,
    WebhookSubscription,
)
from taskforce.models.types import utcnow
from taskforce.services import reviews
from tests import factories

TODAY = "2020-11-02"
# What only unit B's people (and the leadership) may read: never in a page for unit A.
B_TASK_TITLE = "Nhiệm vụ kín của Sở B số 7391"
B_FILE_NAME = "bien-ban-kin-so-B-7391.pdf"
B_NOTE = "Ghi chú kín của Sở B số 7391"
B_NOTICE = "Thông báo riêng của cán bộ Sở B số 7391"
# The evidence of unit B's claim, made through its task: shown on the (shared) catalog page
# to everyone who may read the task, and to no one else.
B_CLAIM_NOTE = "Minh chứng kín của Sở B số 7391"
B_CLAIM_FILE = "minh-chung-kin-so-B-7391.pdf"
SECRETS = (B_TASK_TITLE, B_FILE_NAME, B_NOTE, B_NOTICE, B_CLAIM_NOTE, B_CLAIM_FILE)

# A URL argument and the object of the world it names. A route with a new argument fails
# the tests until the argument is added here, so every route with an id is covered.
ARGUMENTS = {
    "task_id": "task_b",
    "change_id": "claim_b",
    "service_id": "service_b",
    "attachment_id": "file_b",
    "review_id": "review",
    "message_id": "message",
    "member_id": "member_b",
    "user_id": "officer_b",
    "unit_id": "unit_b",
    "ext_id": "extension_b",
    "extension_id": "extension_b",
    "notification_id": "notification_b",
    "update_id": "update_b",
    "plan_id": "plan",
    "webhook_id": "webhook",
    "table_id": "score_table",
    "kind": "template_kind",
}
# Secret-address routes name their object by a token, not an id.
TOKENS = {"tasks.ical_user": "calendar_token", "tasks.ical_unit": "unit_token"}
# Plausible values for the fields of every form: were a check missing, the post would work.
PLAUSIBLE = {
    "note": "Đã kết nối thanh toán trực tuyến",
    "reason": "Chờ Bộ kết nối hệ thống đánh giá",
    "status": "in_progress",
    "progress": "50",
    "to_level": "4",
    "effective_on": "20/10/2020",
    "online_processing": "y",
    "online_payment": "y",
    "online_result": "y",
    "evaluation": "y",
    "decision": "approve",
    "requested_due_on": "31/12/2020",
    "title": "Tiêu đề mới",
    "description": "Mô tả mới",
    "priority": "high",
    "follower_id": "0",
    "kind": "general",
    "due_on": "20/12/2020",
    "full_name": "Nguyễn Văn Mới",
    "email": "moi@example.test",
    "role": "viewer",
    "password": "mat-khau-moi-123",
    "code": "MOI",
    "name": "Tên mới",
    "lang": "en",
    "start": "01/10/2020",
    "end": "31/10/2020",
    "send": "y",
    "doc_date": "01/10/2020",
    "doc_number": "12/KH-UBND",
    "target_on": "31/12/2020",
    "number": "15/BC-TCT",
    "current": factories.PASSWORD,
    "new": "mat-khau-moi-123",
    "confirm": "mat-khau-moi-123",
}
_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _evidence(name, stored_name, **owner):
    attachment = Attachment(original_name=name, stored_name=stored_name,
                            content_type="application/pdf", size=8, **owner)
    db.session.add(attachment)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / attachment.stored_name).write_bytes(b"%PDF-1.4")
    db.session.flush()
    return attachment


def _unit_b_objects(unit_b):
    officer_b = factories.user(role=Role.UNIT_OFFICER, unit=unit_b, full_name="Cán bộ Sở B")
    member_b = factories.member(units=[unit_b])
    service_b = factories.service(unit_b, name="Cấp phiếu lý lịch tư pháp")
    task_b = factories.task(unit_b, kind=TaskKind.UPGRADE, title=B_TASK_TITLE,
                            follower_id=member_b.id)
    task_b.services = [service_b]
    claim_file_b = _evidence(B_CLAIM_FILE, "c" * 32, task_id=task_b.id, service_id=service_b.id)
    claim_b = factories.level_change(service_b, 4, date(2020, 10, 20),
                                     status=ClaimStatus.PENDING, task_id=task_b.id,
                                     evidence_note=B_CLAIM_NOTE, evidence_id=claim_file_b.id)
    extension_b = ExtensionRequest(task_id=task_b.id, previous_due_on=task_b.due_on,
                                   requested_due_on=task_b.due_on + timedelta(days=10),
                                   reason="Chờ kết nối thanh toán")
    update_b = StatusUpdate(task_id=task_b.id, note=B_NOTE, progress=20, created_at=utcnow())
    db.session.add_all([extension_b, update_b])
    db.session.flush()
    file_b = _evidence(B_FILE_NAME, "b" * 32, task_id=task_b.id, update_id=update_b.id)
    notification_b = Notification(user_id=officer_b.id, kind="assigned", task_id=task_b.id,
                                  message=B_NOTICE)
    db.session.add(notification_b)
    db.session.flush()
    return {"unit_b": unit_b.id, "officer_b": officer_b.id, "member_b": member_b.id,
            "service_b": service_b.id, "task_b": task_b.id, "claim_b": claim_b.id,
            "extension_b": extension_b.id, "update_b": update_b.id, "file_b": file_b.id,
            "notification_b": notification_b.id, "calendar_token": officer_b.calendar_token,
            "unit_token": unit_b.feed_token}


def build_world():
    """Units A and B with services, tasks, a claim, files, a review, mail and notifications."""
    unit_a = factories.unit(name="Sở Nội vụ", focal_email="van-thu@snv.test")
    unit_b = factories.unit(name="Sở Tư pháp", focal_email="van-thu@stp.test")
    service_a = factories.service(unit_a, name="Thẩm định tổ chức hội")
    # Reported done, so that its page offers the leadership the form to accept it.
    task_a = factories.task(unit_a, title="Nhiệm vụ của Sở A", status=TaskStatus.REPORTED,
                            reported_at=utcnow())
    world = {"unit_a": unit_a.id, "service_a": service_a.id, "task_a": task_a.id}
    world.update(_unit_b_objects(unit_b))
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 1),
                                  end=date(2020, 10, 5), now=utcnow())
    message = OutboxMessage(dedupe_key="security:1", kind="reminder", recipient="b@stp.test",
                            subject="Nhắc việc", body_text="Nhắc việc", body_html="<p>x</p>",
                            state=OutboxState.FAILED, last_error="550 mailbox unavailable")
    db.session.add(message)
    plans = [Plan(code=code, name=f"Kế hoạch {code}", starts_on=date(2020, 1, 1),
                  ends_on=date(2020, 12, 31), is_default=code == "KH-A", indicators=[Indicator(
                      code="L4", name="Mức độ 4", measure="share_at_class", params={},
                      milestones=[Milestone(target_value=0.3, target_on=date(2020, 12, 31))])])
             for code in ("KH-A", "KH-B")]
    db.session.add_all(plans)
    # Inactive: the world's other writes queue no delivery to it.
    webhook = WebhookSubscription(name="Cổng Zalo", url="https://zalo.example.gov.vn/hook",
                                  secret="s" * 20, events="task.assigned", active=False)
    db.session.add(webhook)
    # Unit B's 766 scores, whose weakest group the leadership may make a task.
    score_table = ScoreTable(period_kind="month", period_start=date(2020, 9, 1), rows=[
        ScoreRow(unit_id=world["unit_b"], ckmb=10, tdgq=10, clgq=10, tttt=10, mdsh=10,
                 mdhl=10, total=60)])
    db.session.add(score_table)
    db.session.commit()
    world.update(review=review.id, message=message.id, plan=plans[1].id, template_kind="usage",
                 webhook=webhook.id, score_table=score_table.id)
    return world


def url_of(rule, world):
    """The rule's URL with its arguments filled from ``world`` (LookupError when unknown)."""
    values = {}
    for argument in sorted(rule.arguments - set(rule.defaults or ())):
        key = TOKENS.get(rule.endpoint) if argument == "token" else ARGUMENTS.get(argument)
        if key is None:
            raise LookupError(f"{rule.endpoint} takes <{argument}>: say in ARGUMENTS of "
                              "tests/security/world.py which object of unit B it names")
        values[argument] = world[key]
    return rule.build(values, append_unknown=False)[1]


def routes(app, method=None):
    """(rule, method) for every rule of the app but the static files, sorted.

    Not the JSON API's (under /api/): session cookies do not reach it and CSRF does not
    apply; tests/api walks its endpoints with tokens.
    """
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static") \
                or rule.rule.startswith("/api/"):
            continue
        for verb in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method is None or verb == method:
                found.append((rule, verb))
    return found


def snapshot():
    """Row counts and a hash of the rows of every table, as committed."""
    db.session.rollback()  # a real server drops whatever a request left uncommitted
    state = {}
    for table in db.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        state[table.name] = (len(rows), digest)
    return state


def changed(before, after):
    """The names of the tables whose rows differ between two snapshots."""
    return sorted(name for name in before if before[name] != after.get(name))


def csrf_token(page):
    return _TOKEN.search(page).group(1)


def log_in(client, email, *, with_token=False):
    """Log the client in through the log-in page, with the form's token when CSRF is on."""
    data = {"email": email, "password": factories.PASSWORD}
    if with_token:
        data["csrf_token"] = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
