"""The audit log speaks in sentences: every recorded action has one, fields have names."""

import re
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import force_locale

from taskforce.extensions import db
from taskforce.models import AuditEvent
from taskforce.services import audit_words
from tests import factories

ROOT = Path(__file__).resolve().parents[2] / "taskforce"
# An action as the code records it: audit.record(session, actor, "task.create", ...) or a
# workflow step's action="task.accept" / action = "extension.approve" if ... else "...".
RECORDED = re.compile(r'audit\.record\(\s*\w+,\s*\w+,\s*"([a-z0-9_]+\.[a-z0-9_]+)"'
                      r'|action\s*=\s*"([a-z0-9_]+\.[a-z0-9_]+)"'
                      r'|else\s+"([a-z0-9_]+\.[a-z0-9_]+)"')


def recorded_actions():
    found = set()
    for path in ROOT.rglob("*.py"):
        for match in RECORDED.finditer(path.read_text(encoding="utf-8")):
            found.add(next(group for group in match.groups() if group))
    return found


def event(action, summary="", changes=None, actor=None):
    return AuditEvent(at=datetime(2020, 11, 20, tzinfo=UTC), action=action, actor=actor,
                      object_type="", summary=summary, changes=changes)


def test_every_recorded_action_has_a_sentence():
    actions = recorded_actions()
    assert {"task.create", "claim.verify", "extension.refuse", "task.accept"} <= actions
    assert sorted(actions - set(audit_words.ACTIONS)) == []


def test_a_verified_claim_reads_as_a_sentence(app):
    actor = factories.user(full_name="Nguyễn Văn A")
    verified = event("claim.verify", "1.001 · 3 → 4", {"service_level": [3, 4]}, actor)
    with force_locale("vi"):
        assert audit_words.sentence(verified) == \
            "Nguyễn Văn A đã xác minh mức độ 4 của dịch vụ 1.001."
        assert audit_words.describe_changes(verified.changes) == [("Mức độ của dịch vụ", "3 → 4")]
    with force_locale("en"):
        assert audit_words.sentence(verified) == \
            "Nguyễn Văn A verified level 4 of the service 1.001."


def test_values_read_as_words(app):
    changes = {"level": [3, 4], "effective_on": "2020-11-10",
               "prerequisites": {"online_payment": False, "online_result": True},
               "status": ["new", "in_progress"], "services": ["1.001", "1.002"], "note": None}
    with force_locale("vi"):
        lines = dict(audit_words.describe_changes(changes))
        assert lines["Áp dụng từ ngày"] == "10/11/2020"
        assert lines["Điều kiện mức độ 4"] == \
            "Thanh toán phí trực tuyến: không, " \
            "Trả kết quả trực tuyến hoặc qua dịch vụ bưu chính: có"
        assert lines["Trạng thái"] == "Mới → Đang thực hiện"
        assert lines["Dịch vụ"] == "1.001, 1.002"
        assert audit_words.sentence(event("settings.update")) == "Hệ thống đã thay đổi cấu hình."


def test_the_audit_page_shows_no_stored_key(app, client, login_as):
    login_as("admin", locale="vi")
    actor = factories.user(full_name="Nguyễn Văn A")
    service = factories.service(factories.unit("Sở Tư pháp"), code="1.001")
    db.session.add_all([
        AuditEvent(at=datetime(2020, 11, 20, tzinfo=UTC), actor_id=actor.id,
                   action="claim.create", object_type="level_changes", object_id=1,
                   unit_id=service.unit_id, summary="1.001 · 3 → 4",
                   changes={"level": [3, 4], "effective_on": "2020-11-10",
                            "prerequisites": {"online_payment": False}}),
        AuditEvent(at=datetime(2020, 11, 21, tzinfo=UTC), actor_id=actor.id,
                   action="claim.verify", object_type="level_changes", object_id=1,
                   unit_id=service.unit_id, summary="1.001 · 3 → 4",
                   changes={"service_level": [3, 4]})])
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "Nguyễn Văn A đã xác minh mức độ 4 của dịch vụ 1.001." in visible
    assert "Nguyễn Văn A đã báo cáo đạt mức độ 4 cho dịch vụ 1.001." in visible
    for key in ("claim.create", "claim.verify", "effective_on", "online_payment", "False",
                "service_level"):
        assert key not in visible, key
