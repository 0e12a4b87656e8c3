"""The dashboard: its figures, charts, sorting, export and query count."""

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from taskforce.extensions import db
from taskforce.models import ClaimStatus, UnitKind
from taskforce.services import kpi, settings
from taskforce.web.dashboard import routes as dashboard_routes
from tests import factories
from tests.sheets import first_row, table

JAN1 = date(2020, 1, 1)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture
def catalog(app):
    """Sở A: 5 services, 2 verified at 4 and 1 claimed; Huyện B: 2 services, 1 at 4; Sở C: none."""
    a = factories.unit("Sở A", display_order=1)
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, display_order=2)
    factories.unit("Sở C", display_order=3)
    s1 = factories.service(a, level=3)
    factories.level_change(s1, 4, date(2020, 6, 15))
    s2 = factories.service(a, level=3)
    factories.level_change(s2, 4, date(2020, 7, 1), status=ClaimStatus.PENDING)
    s3 = factories.service(a, level=4)
    factories.usage(s3, date(2020, 7, 1), total=5, online=3)
    factories.service(a, level=2)
    factories.service(a, level=3)
    factories.service(b, level=4)
    factories.service(b, level=3)
    db.session.commit()
    return a, b


def text_of(html, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


def as_number(text):
    """A Vietnamese-formatted percentage ("42,86 %") as a float (42.86)."""
    return float(text.replace("\xa0", " ").replace(".", "").replace(",", ".").strip(" %"))


def page(client, **args):
    response = client.get("/dashboard", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_root_redirects_to_the_dashboard(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/trend.svg", "/dashboard/units.svg",
                                  "/dashboard/trend.png", "/dashboard/units.png",
                                  "/dashboard/export.xlsx"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "leader", "member", "unit_officer", "viewer"])
def test_every_role_sees_the_dashboard(client, login_as, catalog, role):
    login_as(role)
    assert "province-share" in page(client, as_of="2020-07-31")


def test_dashboard_figures_equal_the_kpi_figures(client, login_as, catalog):
    login_as("viewer")
    settings.put(db.session, "target_on", "2020-12-31")
    db.session.commit()
    html = page(client, as_of="2020-07-31")
    province = kpi.province_figures(db.session, date(2020, 7, 31), 0.30)
    assert as_number(text_of(html, "province-share")) == round(province.share_verified * 100, 2)
    assert as_number(text_of(html, "claimed-share")) == round(province.share * 100, 2)
    assert as_number(text_of(html, "target-share")) == 30
    assert as_number(text_of(html, "national-share")) == 19.10
    assert as_number(text_of(html, "effective-share")) == round(
        province.effective_share * 100, 1)
    assert "31/12/2020" in html
    assert "31/07/2020" in html


@pytest.mark.parametrize(("target", "gap"), [(0.30, 0), (0.60, 2), (0.90, 4)])
def test_the_gap_to_the_target_is_shown(client, login_as, catalog, target, gap):
    settings.put(db.session, "target_share", target)
    db.session.commit()
    login_as("viewer")
    # 31 July: 7 services, 3 verified at level 4.
    html = page(client, as_of="2020-07-31")
    assert re.findall(r"\d+", text_of(html, "province-gap"))[:1] == ([str(gap)] if gap else [])
    assert ("text-success" in html.split('id="province-gap"')[0][-80:]) == (not gap)


def test_departments_and_districts_are_apart(client, login_as, catalog):
    login_as("viewer")
    html = page(client, as_of="2020-07-31")
    departments = html.split('id="table-departments"')[1].split("</table>")[0]
    districts = html.split('id="table-districts"')[1].split("</table>")[0]
    assert "Sở A" in departments and "Sở C" in departments
    assert "Huyện B" not in departments
    assert "Huyện B" in districts and "Sở A" not in districts


@pytest.mark.parametrize(("args", "expected"), [
    ({"sort": "name"}, ["Sở A", "Sở D", "Sở E", "Sở C"]),
    ({"sort": "name", "dir": "desc"}, ["Sở E", "Sở D", "Sở A", "Sở C"]),
    ({"sort": "share"}, ["Sở E", "Sở A", "Sở D", "Sở C"]),
    ({"sort": "share", "dir": "desc"}, ["Sở D", "Sở A", "Sở E", "Sở C"]),
    ({"sort": "to_target", "dir": "desc"}, ["Sở E", "Sở A", "Sở D", "Sở C"]),
    ({"sort": "bogus", "dir": "sideways"}, ["Sở E", "Sở A", "Sở D", "Sở C"]),
])
def test_the_table_sorts_by_query_arguments(client, login_as, catalog, args, expected):
    d = factories.unit("Sở D")
    factories.service(d, level=4)
    e = factories.unit("Sở E")
    for _ in range(6):
        factories.service(e, level=3)
    db.session.commit()
    login_as("viewer")
    html = page(client, as_of="2020-07-31", **args)
    table = html.split('id="table-departments"')[1].split("</table>")[0]
    names = re.findall(r'<td><a href="/units/\d+">([^<]+)</a></td>', table)
    assert names == expected


def test_the_five_units_furthest_behind(client, login_as, catalog):
    for n in range(6):
        unit = factories.unit(f"Huyện chậm {n}", kind=UnitKind.DISTRICT)
        for _ in range(4 * n + 2):  # 1, 2, 3, 5, 6 and 7 services still to upgrade
            factories.service(unit, level=3)
    db.session.commit()
    login_as("viewer")
    html = page(client, as_of="2020-07-31")
    behind = html.split('id="furthest-behind"')[1].split("</ol>")[0]
    names = re.findall(r">([^<]+)</a>", behind)
    assert names == ["Huyện chậm 5", "Huyện chậm 4", "Huyện chậm 3", "Huyện chậm 2",
                     "Huyện chậm 1"]


@pytest.mark.parametrize("bad", ["31/02/2020", "2020-13-01", "0001-01-01", "tomorrow"])
def test_a_bad_date_says_so_and_shows_today(app, client, login_as, catalog, bad):
    app.config["TODAY"] = "2020-07-31"
    login_as("viewer")
    html = page(client, as_of=bad)
    assert 'id="as_of-error"' in html
    assert "31/07/2020" in html
    assert as_number(text_of(html, "province-share")) == 42.86


def test_an_empty_catalog_says_what_to_do(client, login_as):
    login_as("viewer")
    html = page(client)
    assert "province-share" not in html
    assert "/catalog" in html


def test_a_date_before_any_listing_shows_the_empty_state(client, login_as, catalog):
    login_as("viewer")
    assert "province-share" not in page(client, as_of="2019-06-30")


def assert_clean_svg(body):
    assert body.startswith((b"<?xml", b"<svg"))
    assert b"<svg" in body and body.rstrip().endswith(b"</svg>")
    assert b"<script" not in body
    addresses = set(re.findall(rb"https?://[^\"'\s)<>]+", body))
    assert {a.decode() for a in addresses} <= SVG_NAMESPACES


@pytest.mark.parametrize("path", ["/dashboard/trend.svg", "/dashboard/units.svg",
                                  "/dashboard/units.svg?group=districts"])
def test_chart_endpoints_return_self_contained_svg(client, login_as, catalog, path):
    login_as("viewer")
    response = client.get(path, query_string={"as_of": "2020-07-31"} if "?" not in path
                          else None)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert_clean_svg(response.data)


@pytest.mark.parametrize("path", ["/dashboard/trend.png", "/dashboard/units.png"])
def test_chart_endpoints_return_png(client, login_as, catalog, path):
    login_as("viewer")
    response = client.get(path, query_string={"as_of": "2020-07-31"})
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_MAGIC)


def test_unit_names_are_text_in_the_chart(client, login_as):
    unit = factories.unit('<script>alert("x")</script> $x^2$ Sở')
    factories.service(unit, level=4)
    db.session.commit()
    login_as("viewer")
    response = client.get("/dashboard/units.svg", query_string={"as_of": "2020-07-31"})
    assert response.status_code == 200
    assert_clean_svg(response.data)
    assert b"&lt;script&gt;" in response.data
    assert b"$x^2$" in response.data


def test_the_charts_are_the_same_each_time(client, login_as, catalog):
    login_as("viewer")
    first = client.get("/dashboard/trend.svg?as_of=2020-07-31").data
    assert client.get("/dashboard/trend.svg?as_of=2020-07-31").data == first


def test_charts_of_an_empty_catalog(client, login_as):
    login_as("viewer")
    for path in ("/dashboard/trend.svg", "/dashboard/units.svg", "/dashboard/units.png"):
        assert client.get(path).status_code == 200


def test_export_is_the_kpi_table_and_safe(client, login_as, catalog):
    formula = factories.unit("=cmd|' /C calc'!A0", display_order=9)
    factories.service(formula, level=4)
    db.session.commit()
    login_as("viewer")
    response = client.get("/dashboard/export.xlsx", query_string={"as_of": "2020-07-31"})
    assert response.status_code == 200
    assert "chi-so-kpi-2020-07-31.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).worksheets[0]
    rows = table(sheet)
    assert len(rows) == 1 + 4 + 1  # headers, four units, the province
    names = [row[0] for row in rows[1:-1]]
    assert names[:3] == ["Sở A", "Huyện B", "Sở C"]
    unsafe = next(cell for cell in sheet["A"] if "cmd" in str(cell.value))
    assert unsafe.data_type == "s"
    assert not str(unsafe.value).startswith("=")
    province = rows[-1]
    assert province[2:6] == (8, 3, 5, 4)
    assert province[7] == 4 / 8
    share = sheet.cell(row=first_row(sheet) + 4, column=8)
    assert share.data_type == "n" and share.number_format == "0.00%"


@pytest.fixture
def page_cost(client, count_queries):
    """The statements one request to a page sends."""

    def cost(url):
        # The tests share one session across requests; a server starts each with a fresh one.
        db.session.expire_all()
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return queries.count

    return cost


def add_units(n):
    for i in range(n):
        unit = factories.unit(f"Đơn vị {i}",
                              kind=UnitKind.DISTRICT if i % 3 == 0 else UnitKind.DEPARTMENT)
        services = [factories.service(unit, level=level) for level in (3, 3, 4)]
        factories.level_change(services[0], 4, date(2020, 6, 1), status=ClaimStatus.PENDING)
        factories.usage(services[2], date(2020, 6, 1))
    db.session.commit()


def test_the_dashboard_answers_in_a_fixed_number_of_queries(login_as, page_cost):
    login_as("viewer")
    add_units(3)
    url = "/dashboard?as_of=2020-07-31&sort=name"
    page_cost(url)
    small = page_cost(url)
    add_units(27)
    recomputed = page_cost(url)  # the figures are computed again, once
    large = page_cost(url)
    assert small == large <= 9  # the ninth asks for the default plan (none here)
    assert recomputed == large + 2


def test_many_units_are_listed_a_page_at_a_time(client, login_as, monkeypatch):
    monkeypatch.setattr(dashboard_routes, "UNITS_PER_PAGE", 4)
    login_as("viewer", locale="en")
    add_units(9)  # six departments, three districts
    page = client.get("/dashboard?as_of=2020-07-31&sort=name").get_data(as_text=True)
    departments = page.split('id="table-departments"')[1].split("</table>")[0]
    assert departments.count("<tr>") == 1 + 4  # the head and four units
    assert "departments_page=2" in page and "districts_page=2" not in page
    second = client.get("/dashboard?as_of=2020-07-31&sort=name&departments_page=2")
    rest = second.get_data(as_text=True).split('id="table-departments"')[1].split("</table>")[0]
    assert rest.count("<tr>") == 1 + 2
    names = {f"Đơn vị {i}" for i in range(9) if i % 3}
    assert {n for n in names if n in departments} | {n for n in names if n in rest} == names
    for nonsense in ("0", "-1", "x", "99"):
        response = client.get(f"/dashboard?departments_page={nonsense}")
        assert response.status_code == 200
    # Sorting again starts from the first page.
    sort_link = second.get_data(as_text=True).split("sort=share")[0].rsplit('href="', 1)[1]
    assert "as_of=" in sort_link and "departments_page" not in sort_link


def test_a_chart_of_hundreds_of_units_draws_those_furthest_behind(client, login_as,
                                                                  monkeypatch):
    monkeypatch.setattr(dashboard_routes, "CHART_UNITS", 3)
    login_as("viewer", locale="en")
    add_units(9)
    svg = client.get("/dashboard/units.svg", query_string={"as_of": "2020-07-31"})
    text = svg.get_data(as_text=True)
    assert svg.status_code == 200
    assert "The 3 units furthest behind, of 6" in text
    assert text.count("Đơn vị") == 3
