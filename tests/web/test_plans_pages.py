"""The plans pages: the list, one plan, the form refusing each bad input with nothing changed,
the default and deleting, each confirmed; who may do what."""

from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import AuditEvent, Indicator, Milestone, Plan, Role
from taskforce.services import plans
from taskforce.services.plans import IndicatorDraft, MilestoneDraft, PlanDraft
from tests import factories


def _draft(code, target=0.5, ends_on=date(2020, 12, 31)):
    return PlanDraft(code=code, name=f"Kế hoạch {code}", starts_on=date(2020, 1, 1),
                     ends_on=ends_on, basis_number="17/NQ-CP", basis_date=date(2019, 3, 7),
                     indicators=(IndicatorDraft("L4", "Dịch vụ mức độ 4", "share_at_class",
                                                {"min_level": 4, "verified_only": True},
                                                (MilestoneDraft(target, date(2020, 12, 31)),)),))


@pytest.fixture
def world(app):
    """Sở A: 10 services at level 3, one verified at 4 each month from March to June."""
    a = factories.unit("Sở A", display_order=1)
    for month in range(3, 7):
        factories.level_change(factories.service(a, level=3), 4, date(2020, month, 10))
    for _ in range(6):
        factories.service(a, level=3)
    leader = factories.user(Role.LEADER)
    first = plans.create_plan(db.session, _draft("KH-2020"), actor=leader)
    second = plans.create_plan(db.session, _draft("KH-2021", 0.9, date(2021, 12, 31)),
                               actor=leader)
    db.session.commit()
    return {"first": first.id, "second": second.id}


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Plan, Indicator, Milestone, AuditEvent))


def form_data(**overrides):
    data = {"code": "KH-MOI", "name": "Kế hoạch mới", "basis_number": "01/KH-UBND",
            "basis_date": "02/01/2020", "starts_on": "01/01/2020", "ends_on": "31/12/2020",
            "indicators-0-code": "L4", "indicators-0-name": "Dịch vụ mức độ 4",
            "indicators-0-measure": "share_at_class", "indicators-0-min_level": "4",
            "indicators-0-verified_only": "y", "indicators-0-months": "12",
            "indicators-0-target": "30,5", "indicators-0-target_on": "31/12/2020"}
    for index in range(1, 6):
        data[f"indicators-{index}-min_level"] = "4"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", ["viewer", "member", "unit_officer", "leader", "admin"])
def test_every_role_sees_the_plans(client, login_as, world, role):
    login_as(role)
    html = client.get("/plans").get_data(as_text=True)
    assert "KH-2020" in html and "KH-2021" in html
    page = client.get(f"/plans/{world['first']}?as_of=2020-06-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dịch vụ mức độ 4" in html and "40,00 %" in html
    manages = role in ("leader", "admin")
    assert (f"/plans/{world['first']}/edit" in html) is manages
    assert ("/plans/new" in client.get("/plans").get_data(as_text=True)) is manages


def test_the_plan_page_shows_target_projection_status_and_pace(client, login_as, world):
    login_as("viewer")
    html = client.get(f"/plans/{world['second']}?as_of=2020-06-30").get_data(as_text=True)
    assert "90 %" in html  # the target
    assert "text-bg-primary" in html  # on track: ten points a month
    # 5 services more to reach 9 of 10 in six months: one a month.
    assert "+1 dịch vụ mỗi tháng" in html


@pytest.mark.parametrize("role", ["viewer", "member", "unit_officer"])
def test_others_cannot_manage(client, login_as, world, role):
    login_as(role)
    before = counts()
    assert client.get("/plans/new").status_code == 403
    assert client.post("/plans/new", data=form_data()).status_code == 403
    assert client.post(f"/plans/{world['first']}/edit", data=form_data()).status_code == 403
    assert client.post(f"/plans/{world['second']}/default").status_code == 403
    assert client.post(f"/plans/{world['second']}/delete").status_code == 403
    assert counts() == before


def test_a_leader_creates_a_plan(client, login_as, world):
    login_as("leader")
    response = client.post("/plans/new", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    plan = db.session.scalar(select(Plan).where(Plan.code == "KH-MOI"))
    assert not plan.is_default
    [indicator] = plan.indicators
    assert indicator.params == {"min_level": 4, "verified_only": True}
    assert [(m.target_value, m.target_on) for m in indicator.milestones] == [
        (pytest.approx(0.305), date(2020, 12, 31))]


BAD = {
    "no indicator": ({"indicators-0-code": "", "indicators-0-name": "",
                      "indicators-0-measure": "", "indicators-0-target": "",
                      "indicators-0-target_on": ""}, "Kế hoạch cần có ít nhất một chỉ tiêu."),
    "a target over 100 %": ({"indicators-0-target": "150"}, "từ 0 đến 100 %"),
    "a target date before the start": ({"indicators-0-target_on": "31/12/2019"},
                                       "trước ngày bắt đầu kế hoạch"),
    "a measure without data": ({"indicators-0-measure": "online_dossiers"},
                               "chưa có dữ liệu"),
    "two indicators with one code": ({"indicators-2-code": "L4", "indicators-2-name": "Lại",
                                      "indicators-2-measure": "share_at_class",
                                      "indicators-2-target": "40",
                                      "indicators-2-target_on": "31/12/2020"},
                                     "cùng mã"),
    "a taken code": ({"code": "kh-2021"}, "Đã có kế hoạch khác dùng mã này."),
    "an unknown measure": ({"indicators-0-measure": "happiness"}, "Not a valid choice"),
    "a target that is not a number": ({"indicators-0-target": "ba mươi"}, "float"),
    "a day that does not exist": ({"indicators-0-target_on": "30/02/2020"}, "30/02/2020"),
    "a start in ISO, not dd/mm/yyyy": ({"starts_on": "2020-01-01"}, "dd/mm/yyyy"),
}


@pytest.mark.parametrize("name", BAD)
def test_each_bad_input_is_refused_where_typed_and_changes_nothing(client, login_as, world,
                                                                    name):
    login_as("leader")
    overrides, message = BAD[name]
    before = counts()
    for url in ("/plans/new", f"/plans/{world['first']}/edit"):
        response = client.post(url, data=form_data(**overrides))
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "is-invalid" in html or "alert-danger" in html
        if name not in ("an unknown measure", "a target that is not a number"):
            assert message in html, html
    assert counts() == before


def test_the_form_shows_a_plan_and_saves_an_edit(client, login_as, world):
    login_as("admin")
    html = client.get(f"/plans/{world['first']}/edit").get_data(as_text=True)
    assert 'value="KH-2020"' in html and 'value="50.0"' in html
    response = client.post(f"/plans/{world['first']}/edit", data=form_data(
        code="KH-2020", **{"indicators-0-target2": "60", "indicators-0-target2_on": "30/06/2020"}))
    assert response.status_code == 302
    plan = db.session.get(Plan, world["first"])
    assert [m.target_value for m in plan.indicators[0].milestones] == [0.6, 0.305]


def test_make_default_and_delete_ask_first(client, login_as, world):
    login_as("leader")
    page = client.get(f"/plans/{world['second']}/default").get_data(as_text=True)
    assert "Kế hoạch KH-2021" in page and 'type="submit"' in page
    assert db.session.get(Plan, world["second"]).is_default is False  # asking changed nothing
    assert client.post(f"/plans/{world['second']}/default").status_code == 302
    db.session.expire_all()
    assert plans.default_plan(db.session).id == world["second"]
    # The default plan is not deleted while another exists: said on the page, nothing changed.
    before = counts()
    response = client.post(f"/plans/{world['second']}/delete")
    assert response.status_code == 200
    assert "hãy chọn kế hoạch khác làm mặc định trước" in response.get_data(as_text=True)
    assert counts() == before
    assert client.post(f"/plans/{world['first']}/delete").status_code == 302
    assert db.session.get(Plan, world["first"]) is None


def test_unknown_plans_are_404(client, login_as, world):
    login_as("leader")
    for url in ("/plans/999999", "/plans/999999/edit", "/plans/999999/default",
                "/plans/999999/delete"):
        assert client.get(url).status_code == 404


def test_the_dashboard_shows_the_default_plan_in_a_bounded_number_of_queries(
        client, login_as, world, count_queries):
    """Five indicators, and thirty more units: the same statements once the figures are kept."""
    default = db.session.scalar(select(Plan).where(Plan.is_default.is_(True)))
    measures_used = [("share_at_class", {"min_level": 4, "verified_only": True}),
                     ("share_at_class", {"min_level": 3, "verified_only": False}),
                     ("share_at_class", {"min_level": 2, "verified_only": True}),
                     ("effectiveness", {"min_level": 4, "months": 3}),
                     ("share_at_class", {"min_level": 1, "verified_only": True})]
    factories.usage(factories.service(factories.unit("Sở C"), level=4), date(2020, 6, 1))
    plans.update_plan(db.session, default, PlanDraft(
        code="KH-2020", name="Năm chỉ tiêu", starts_on=date(2020, 1, 1),
        ends_on=date(2020, 12, 31),
        indicators=tuple(IndicatorDraft(f"C{i}", f"Chỉ tiêu {i}", measure, params,
                                        (MilestoneDraft(0.5, date(2020, 12, 31)),))
                         for i, (measure, params) in enumerate(measures_used))),
        actor=factories.user(Role.ADMIN))
    db.session.commit()
    login_as("viewer")

    def cost():
        db.session.expire_all()
        with count_queries() as queries:
            response = client.get("/dashboard?as_of=2020-06-30")
        assert response.status_code == 200
        return queries.count, response.get_data(as_text=True)

    cost()
    small, html = cost()
    assert html.count('id="plan-indicators"') == 1 and "Chỉ tiêu 4" in html
    for n in range(30):
        factories.service(factories.unit(f"Đơn vị thêm {n}"), level=3)
    db.session.commit()
    cost()
    large, _html = cost()
    assert small == large <= 12


def test_the_plan_page_ranks_the_next_steps(client, login_as, world):
    login_as("viewer")
    html = client.get(f"/plans/{world['first']}?as_of=2020-06-30").get_data(as_text=True)
    steps = html.split('id="steps-1"')[1].split("</table>")[0]
    # 50 % of 10 services: Sở A has 4, lacks 1 (10 points of the province figure).
    assert "Sở A" in steps and ">1<" in steps and "+10,00" in steps
