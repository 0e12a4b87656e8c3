"""The assignment wizard's pages: step 1, the quotas of step 2, creating all tasks or none."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Notification, Task, TaskKind, TaskStatus
from taskforce.services import settings
from tests import factories

TODAY = date(2020, 11, 20)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.config["TODAY"] = TODAY.isoformat()


@pytest.fixture
def leader(login_as):
    return login_as("leader", locale="en")


@pytest.fixture
def world(app):
    """Sở A: 10 services, 1 at level 4, a1 a2 a3 at level 3 (a3 busiest, then a1): quota 2.
    Sở C: c1 c2 at level 3, c1 in an open upgrade task: quota 1, nothing more to pre-tick."""
    a = factories.unit("Sở A", display_order=1)
    c = factories.unit("Sở C", display_order=2)
    s = {key: factories.service(a, level=3, code=key.upper(), name=f"Thủ tục {key}")
         for key in ("a1", "a2", "a3")}
    factories.service(a, level=4)
    for _ in range(6):
        factories.service(a, level=2)
    factories.usage(s["a3"], date(2020, 10, 1), total=90)
    factories.usage(s["a1"], date(2020, 10, 1), total=40)
    s["c1"] = factories.service(c, level=3, code="C1")
    s["c2"] = factories.service(c, level=3, code="C2")
    factories.task(c, kind=TaskKind.UPGRADE, services=[s["c1"]], status=TaskStatus.NEW)
    follower = factories.member("Hà Văn Tiến", units=[a])
    officer = factories.user(role="unit_officer", unit=a)
    settings.put(db.session, "target_on", "2020-12-31")
    db.session.commit()
    return {"a": a, "c": c, "s": s, "follower": follower, "officer": officer}


def text(response):
    return response.get_data(as_text=True)


def task_count():
    return db.session.scalar(select(func.count(Task.id)))


def step1(world, **changes):
    data = {"action": "next", "target_on": "31/12/2020", "due_on": "15/12/2020",
            "units": [world["a"].id, world["c"].id],
            "title": "Nâng cấp dịch vụ công lên mức độ 4", "priority": "high",
            "doc_number": "1234/KH-UBND", "doc_date": "01/10/2020",
            "doc_title": "Kế hoạch nâng cao tỷ lệ DVCTT mức độ 4", "description": ""}
    data.update(changes)
    return data


def input_value(page, name):
    match = re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', page)
    return match and html.unescape(match.group(1))


def hidden_fields(page):
    """The hidden inputs of the wizard's form, as a browser would send them back."""
    form = page[page.index('action="/tasks/assign"'):]
    fields = {}
    for name, value in HIDDEN.findall(form):
        fields.setdefault(name, []).append(html.unescape(value))
    return fields


def is_ticked(page, service):
    return f'value="{service.id}" id="svc-{service.id}" checked' in page


class TestStepOne:
    def test_defaults_to_the_target_date(self, client, leader, world):
        page = text(client.get("/tasks/assign"))
        assert "Step 1 of 2" in page
        assert input_value(page, "target_on") == "31/12/2020"
        assert input_value(page, "due_on") == "31/12/2020"
        assert "Sở A" in page and "Sở C" in page

    @pytest.mark.parametrize(("changes", "message"), [
        ({"due_on": "19/11/2020"}, "The due date cannot be in the past."),
        ({"due_on": "31/02/2020"}, "31/02/2020 does not exist."),
        ({"due_on": ""}, "This field is required."),
        ({"units": []}, "Choose at least one unit."),
        ({"units": [999_999]}, "Unknown unit."),
        ({"units": ["abc"]}, "Invalid choice(s)"),
        ({"title": ""}, "This field is required."),
    ])
    def test_bad_input_stays_on_step_one_with_a_message(self, client, leader, world, changes,
                                                        message):
        response = client.post("/tasks/assign", data=step1(world, **changes))
        assert response.status_code == 200
        page = text(response)
        assert "Step 1 of 2" in page
        assert html.escape(message, quote=False) in page or message in html.unescape(page)

    def test_refused_to_members(self, client, login_as, world):
        login_as("member")
        assert client.get("/tasks/assign").status_code == 403
        assert client.post("/tasks/assign", data=step1(world)).status_code == 403


class TestStepTwo:
    def test_shows_quotas_busiest_first_and_pre_ticks_the_quota(self, client, leader, world):
        s = world["s"]
        page = text(client.post("/tasks/assign", data=step1(world)))
        assert "Step 2 of 2" in page
        rows = [page.index(f'<label for="svc-{s[k].id}">{k.upper()}</label>') for k in
                ("a3", "a1", "a2")]
        assert rows == sorted(rows)
        assert is_ticked(page, s["a3"]) and is_ticked(page, s["a1"])
        assert not is_ticked(page, s["a2"])
        assert "Quota: 2" in page and "Quota: 1" in page
        assert "already in open tasks: 1" in page
        assert f'id="svc-{s["c2"].id}"' in page and not is_ticked(page, s["c2"])
        assert f'id="svc-{s["c1"].id}"' not in page
        follower = world["follower"]
        assert f'<option value="{follower.id}" selected>' in page

    def test_back_returns_to_step_one_with_the_values_kept(self, client, leader, world):
        page = text(client.post("/tasks/assign", data=step1(world, action="back")))
        assert "Step 1 of 2" in page
        assert f'value="{world["a"].id}" id="unit-{world["a"].id}" checked' in page
        assert 'value="1234/KH-UBND"' in page


class TestCreate:
    def review(self, client, world):
        return text(client.post("/tasks/assign", data=step1(world)))

    def test_creates_one_task_per_unit_from_the_carried_fields(self, client, leader, world):
        s, a, c = world["s"], world["a"], world["c"]
        data = hidden_fields(self.review(client, world))
        assert data["due_on"] == ["15/12/2020"]
        data.update({"action": "create", f"services-{a.id}": [s["a3"].id, s["a1"].id],
                     f"follower-{a.id}": world["follower"].id, f"services-{c.id}": [s["c2"].id]})
        response = client.post("/tasks/assign", data=data)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/tasks")
        made = db.session.scalars(select(Task).where(Task.status == TaskStatus.NEW,
                                                     Task.created_by_id == leader.id)
                                  .order_by(Task.id)).all()
        assert [t.unit_id for t in made] == [a.id, c.id]
        assert sorted(x.code for x in made[0].services) == ["A1", "A3"]
        assert made[0].follower_id == world["follower"].id
        assert (made[0].due_on, made[0].priority, made[0].doc_number) == (
            date(2020, 12, 15), "high", "1234/KH-UBND")
        assert made[1].title == "Nâng cấp dịch vụ công lên mức độ 4 – Sở C"
        assert "2 upgrade tasks have been assigned." in text(client.get("/notifications"))
        told = db.session.scalar(select(func.count(Notification.id)).where(
            Notification.user_id == world["officer"].id))
        assert told == 1

    def test_one_refused_unit_creates_nothing_and_says_which(self, client, leader, world):
        s, a, c = world["s"], world["a"], world["c"]
        data = hidden_fields(self.review(client, world))
        data.update({"action": "create", f"services-{a.id}": [s["a3"].id],
                     f"services-{c.id}": [s["c1"].id]})  # c1: in an open task already
        before = task_count()
        response = client.post("/tasks/assign", data=data)
        assert response.status_code == 200
        page = text(response)
        assert "Sở C: Already covered by another open upgrade task: C1." in page
        assert "nothing has been created for any unit" in page
        assert "Step 2 of 2" in page and is_ticked(page, s["a3"])
        assert not is_ticked(page, s["a1"])  # the leader's ticks are kept, not the suggestion
        assert task_count() == before
        assert db.session.scalar(select(func.count(Notification.id))) == 0

    def test_a_tampered_service_id_is_refused(self, client, leader, world):
        a = world["a"]
        data = hidden_fields(self.review(client, world))
        data.update({"action": "create", f"services-{a.id}": ["1 OR 1=1"]})
        before = task_count()
        response = client.post("/tasks/assign", data=data)
        assert response.status_code == 200
        assert "Unknown service." in text(response)
        assert task_count() == before

    def test_the_final_post_checks_step_one_again(self, client, leader, world):
        s, a = world["s"], world["a"]
        data = hidden_fields(self.review(client, world))
        data.update({"action": "create", "due_on": "01/01/2020",
                     f"services-{a.id}": [s["a3"].id]})
        before = task_count()
        page = text(client.post("/tasks/assign", data=data))
        assert "The due date cannot be in the past." in page
        assert task_count() == before


class TestSmallThings:
    def test_a_unit_with_fewer_services_than_its_quota_says_how_many_it_lacks(
            self, client, leader, world):
        d = factories.unit("Sở D", display_order=3)
        left = factories.service(d, level=3, code="D1")
        for _ in range(9):
            factories.service(d, level=2)
        db.session.commit()
        page = text(client.post("/tasks/assign", data=step1(world, units=[d.id])))
        assert "Quota: 3" in page
        assert (f'id="lacking-{d.id}">The quota asks for 2 more services than this unit has '
                "left at level 3: only 1 can be assigned.") in page
        assert is_ticked(page, left)
        assert f'id="lacking-{world["a"].id}"' not in text(
            client.post("/tasks/assign", data=step1(world)))

    def test_a_title_too_long_with_the_units_name_is_refused_not_cut(self, client, leader,
                                                                      world):
        long_name = factories.unit("Ủy ban nhân dân huyện " + "Chợ Đồn " * 8, display_order=4)
        db.session.commit()
        title = "Nâng cấp " + "x" * 240
        data = step1(world, title=title, units=[world["a"].id, long_name.id])
        page = text(client.post("/tasks/assign", data=data))
        assert "Step 1 of 2" in page
        assert f"With the name of {long_name.name} added" in html.unescape(page)
        assert "shorten it to at most 300 in all" in page
        data.update({"action": "create", f"services-{long_name.id}": []})
        before = task_count()
        assert "shorten it to at most 300" in text(client.post("/tasks/assign", data=data))
        assert task_count() == before
