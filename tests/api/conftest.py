"""The API's world: two units, an officer's (A) and another (B) that owns the objects the
route table names; tokens for each role."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import current_app

from taskforce.extensions import db
from taskforce.models import Attachment, ExtensionRequest, Indicator, Milestone, Plan, Unit
from taskforce.models.types import utcnow
from taskforce.services import reviews, tokens
from tests import factories

ROLES = ("admin", "leader", "member", "unit_officer", "viewer")


def build_world():
    today = date.today()
    unit_a = factories.unit(name="Sở Nội vụ", code="SNV")
    unit_b = factories.unit(name="Sở Tư pháp", code="STP")
    factories.member(units=[unit_b])
    service_a = factories.service(unit_a, code="A-1", name="Thủ tục A")
    service_b = factories.service(unit_b, code="B-1", name="Thủ tục B")
    factories.usage(service_b, date(2020, 8, 1), total=12, online=6)
    task_a = factories.task(unit_a, due_on=today + timedelta(days=20))
    task_b = factories.task(unit_b, due_on=today + timedelta(days=20))
    extension = ExtensionRequest(task_id=task_b.id, previous_due_on=task_b.due_on,
                                 requested_due_on=task_b.due_on + timedelta(days=10),
                                 reason="Chờ kết nối thanh toán")
    db.session.add(extension)
    claim = factories.level_change(service_b, 4, date(2020, 6, 1), status="pending")
    evidence = Attachment(service_id=service_b.id, original_name="bien-ban.pdf",
                          stored_name="b" * 32, content_type="application/pdf", size=8)
    db.session.add(evidence)
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / evidence.stored_name).write_bytes(b"%PDF-1.4")
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 1),
                                  end=date(2020, 10, 5), now=utcnow())
    plan = Plan(code="KH", name="Kế hoạch", starts_on=date(2020, 1, 1),
                ends_on=date(2030, 12, 31), is_default=True, indicators=[Indicator(
                    code="L4", name="Mức độ 4", measure="share_at_class", params={},
                    milestones=[Milestone(target_value=0.3, target_on=date(2030, 12, 31))])])
    db.session.add(plan)
    db.session.commit()
    return {"unit_a": unit_a.id, "unit": unit_b.id, "service_a": service_a.id,
            "service": service_b.id, "task_a": task_a.id, "task": task_b.id,
            "extension": extension.id, "claim": claim.id, "file": evidence.id,
            "review": review.id, "plan": plan.id, "today": today.isoformat(),
            "later": (today + timedelta(days=60)).isoformat()}


@pytest.fixture
def world(app):
    return build_world()


def make_token(role, *, scope="write", unit_id=None, expires_days=None, **user_fields):
    """A user of ``role`` (an officer of ``unit_id``) and a token: (user, secret)."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if role == "unit_officer" and unit is None:
        unit = factories.unit()
    user = factories.user(role=role, unit=unit, **user_fields)
    _token, secret = tokens.create_token(db.session, user, actor=user, name=f"{role} test",
                                         scope=scope, expires_days=expires_days, now=utcnow())
    db.session.commit()
    return user, secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token_for(world):
    """``token_for(role, scope="write")``: headers for a new user of ``role`` (officers of
    unit A)."""

    def make(role, scope="write", **kw):
        _user, secret = make_token(role, scope=scope, unit_id=world["unit_a"], **kw)
        return bearer(secret)

    return make
