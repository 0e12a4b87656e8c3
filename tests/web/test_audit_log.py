"""The admin audit log: who changed what, with filters and paging."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import g

from taskforce.extensions import db
from taskforce.models import AuditEvent
from taskforce.services import audit_log
from tests import factories

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def world(app):
    a = factories.unit("Sở A")
    b = factories.unit("Huyện B")
    hung = factories.user(role="leader", full_name="Phạm Duy Hưng")
    tien = factories.user(role="member", full_name="Hà Văn Tiến")
    task = factories.task(a, title="Nâng cấp 5 DVC")

    def add(at, actor, action, obj_type, obj_id, unit, summary="", changes=None):
        db.session.add(AuditEvent(at=at, actor_id=actor.id if actor else None, action=action,
                                  object_type=obj_type, object_id=obj_id,
                                  unit_id=unit.id if unit else None, summary=summary,
                                  changes=changes))

    # 19/11 17:30 UTC is already 20/11 00:30 in Hà Nội.
    add(datetime(2020, 11, 19, 17, 30, tzinfo=UTC), hung, "task.create", "tasks", task.id, a,
        "Nâng cấp 5 DVC", {"kind": "upgrade", "services": ["1.001", "1.002"]})
    add(datetime(2020, 11, 19, 16, 30, tzinfo=UTC), tien, "task.status", "tasks", task.id, a,
        "Nâng cấp 5 DVC", {"status": ["new", "in_progress"]})
    add(datetime(2020, 11, 10, 2, 0, tzinfo=UTC), hung, "unit.update", "units", b.id, b,
        "Huyện B", {"focal_email": [None, "vp@bacban.gov.vn"]})
    add(datetime(2020, 11, 1, 2, 0, tzinfo=UTC), None, "catalog.import", "", None, None,
        "Nhập danh mục")
    db.session.commit()
    return {"a": a, "b": b, "hung": hung, "tien": tien, "task": task}


@pytest.fixture
def admin(login_as):
    return login_as("admin", locale="en")


def text(response):
    return response.get_data(as_text=True)


def rows(page):
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return body.count("<tr>")


class TestPage:
    def test_lists_events_newest_first_with_who_what_and_unit(self, client, admin, world):
        page = text(client.get("/admin/audit"))
        assert rows(page) == 4
        order = [page.index(s) for s in ("task.create", "task.status", "unit.update",
                                          "catalog.import")]
        assert order == sorted(order)
        assert "Phạm Duy Hưng" in page and "Hà Văn Tiến" in page and "the system" in page
        assert "New → In progress" in page
        assert "Phạm Duy Hưng created the task “Nâng cấp 5 DVC”." in page
        assert "The system imported the service catalog (Nhập danh mục)." in page
        assert "— → vp@bacban.gov.vn" in page
        assert "1.001, 1.002" in page
        assert f'href="/tasks/{world["task"].id}"' in page
        assert f'href="/units/{world["b"].id}"' in page
        assert "Huyện B" in page

    def test_leader_may_view_others_may_not(self, client, login_as, world):
        login_as("leader")
        assert client.get("/admin/audit").status_code == 200

    @pytest.mark.parametrize("role", ["member", "unit_officer", "viewer"])
    def test_refused(self, client, login_as, world, role):
        login_as(role)
        assert client.get("/admin/audit").status_code == 403

    def test_empty_state(self, client, admin):
        assert "Nothing has been recorded yet" in text(client.get("/admin/audit"))


class TestFilters:
    def get(self, client, **args):
        return text(client.get("/admin/audit", query_string=args))

    def test_actor(self, client, admin, world):
        page = self.get(client, actor=world["tien"].id)
        assert rows(page) == 1 and "task.status" in page

    def test_action_prefix(self, client, admin, world):
        page = self.get(client, action="task.")
        assert rows(page) == 2 and "unit.update" not in page
        assert rows(self.get(client, action="TASK.CREATE")) == 1

    def test_action_wildcards_are_literal(self, client, admin, world):
        assert rows(self.get(client, action="%")) == 0
        assert rows(self.get(client, action="task_")) == 0

    def test_object_type_and_unit(self, client, admin, world):
        assert rows(self.get(client, object_type="units")) == 1
        assert rows(self.get(client, unit=world["a"].id)) == 2

    def test_dates_are_local_days(self, client, admin, world):
        page = self.get(client, date_from="20/11/2020", date_to="20/11/2020")
        assert rows(page) == 1 and "task.create" in page
        page = self.get(client, date_from="10/11/2020", date_to="19/11/2020")
        assert rows(page) == 2 and "task.status" in page and "unit.update" in page
        assert rows(self.get(client, date_to="05/11/2020")) == 1

    def test_filters_combine(self, client, admin, world):
        page = self.get(client, actor=world["hung"].id, action="task", unit=world["a"].id)
        assert rows(page) == 1

    @pytest.mark.parametrize(("args", "message"), [
        ({"date_from": "20/11/2020", "date_to": "01/11/2020"},
         "The end of the period comes before its start."),
        ({"date_from": "2020-11-20"}, "Write the date as dd/mm/yyyy."),
        ({"actor": "abc"}, "Invalid Choice: could not coerce."),
        ({"actor": "999999"}, "Not a valid choice."),
        ({"object_type": "passwords"}, "Not a valid choice."),
        ({"action": "x" * 61}, "Field cannot be longer than 60 characters."),
    ])
    def test_bad_filters_say_why_and_never_fail(self, client, admin, world, args, message):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        page = text(response)
        assert message in page
        assert rows(page) == 4  # the filters were not applied

    def test_pages(self, client, admin, world, app):
        task = world["task"]
        for i in range(30):
            db.session.add(AuditEvent(at=datetime(2020, 12, 1, tzinfo=UTC) + timedelta(hours=i),
                                      actor_id=world["hung"].id, action="task.update",
                                      object_type="tasks", object_id=task.id,
                                      unit_id=world["a"].id))
        db.session.commit()
        page = text(client.get("/admin/audit"))
        assert rows(page) == app.config["PAGE_SIZE"] and "34 in all" in page
        assert rows(text(client.get("/admin/audit?page=2"))) == 34 - app.config["PAGE_SIZE"]


def test_page_answers_in_a_fixed_number_of_queries(client, admin, world, count_queries):
    def add(n):
        for i in range(n):
            unit = factories.unit()
            actor = factories.user(role="member")
            db.session.add(AuditEvent(at=datetime(2020, 12, 1, tzinfo=UTC), actor_id=actor.id,
                                      action="unit.update", object_type="units",
                                      object_id=unit.id, unit_id=unit.id, summary=str(i)))
        db.session.commit()

    def queries():
        # Start as a new request would: an empty identity map, no cached user.
        db.session.expunge_all()
        g.pop("_login_user", None)
        with count_queries() as seen:
            assert client.get("/admin/audit").status_code == 200
        return seen.count

    add(3)
    few = queries()
    add(17)  # 24 events from 22 actors and 21 units, still one page
    assert queries() == few


def test_search_converts_local_days_to_utc(app):
    query = audit_log.search(audit_log.Filters(date_from=date(2020, 11, 20)), ZONE)
    compiled = query.compile(compile_kwargs={"literal_binds": False})
    start = [v for v in compiled.params.values() if isinstance(v, datetime)]
    assert start == [datetime(2020, 11, 19, 17, 0, tzinfo=UTC)]
