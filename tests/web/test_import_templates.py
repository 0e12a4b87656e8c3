"""Import templates: made from the importers' columns, read back by the importers, offered on
the import page; a text file named .xlsx is told it is not an Excel or CSV file."""

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Service
from taskforce.services import catalog_import
from taskforce.services.catalog_import.templates import templates_are_read_back
from tests import factories
from tests.sheets import table
from tests.web.test_catalog_import import counts, upload

TODAY = date(2020, 11, 20)


def test_every_template_header_is_one_the_importer_reads():
    assert templates_are_read_back()
    assert set(catalog_import.TEMPLATES) == {"catalog", "usage"}


def test_the_catalog_template_explains_its_columns_and_imports_as_it_is(app):
    unit = factories.unit("Sở Tư pháp", code="STP")
    db.session.commit()
    data = catalog_import.template_xlsx(db.session, "catalog", today=TODAY)
    book = load_workbook(BytesIO(data))
    fill, guide = book.worksheets
    header, example = table(fill)
    assert header[:4] == ("Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện")
    rows = {row[0]: row for row in table(guide)[1:]}
    assert rows["Mã thủ tục"][1] == "Bắt buộc" and rows["Lĩnh vực"][1] == "Không bắt buộc"
    level = rows["Mức độ"][2]
    assert "Mức độ 4" in level and "Toàn trình" in level and "Một phần" in level
    assert rows["Mức độ"][3] == "Toàn trình"
    # The importer reads the template as it is: the example row becomes a new service.
    plan = catalog_import.plan_catalog_import(db.session, data, "mau.xlsx", today=TODAY,
                                              verified=True)
    assert plan.ok, plan.errors
    (added,) = plan.additions
    assert (added.code, added.unit.id, added.level) == ("1.001234", unit.id, 4)


def test_the_usage_template_imports_as_it_is(app):
    unit = factories.unit("Sở Tư pháp", code="STP")
    factories.service(unit, level=4, code="1.001234")
    db.session.commit()
    data = catalog_import.template_xlsx(db.session, "usage", today=TODAY)
    guide = load_workbook(BytesIO(data)).worksheets[1]
    assert [row[0] for row in table(guide)[1:]][:2] == ["Tháng", "Mã thủ tục"]
    plan = catalog_import.plan_usage_import(db.session, data, "mau.xlsx", today=TODAY)
    assert plan.ok, plan.errors
    assert len(plan.additions) == 1


def test_the_import_page_offers_the_templates(client, login_as):
    login_as("leader", locale="vi")
    page = client.get("/catalog/import").text
    for kind in ("catalog", "usage"):
        assert f'href="/catalog/import/templates/{kind}.xlsx"' in page
    response = client.get("/catalog/import/templates/catalog.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="mau-nhap-danh-muc.xlsx"'
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Dữ liệu", "Hướng dẫn"]
    assert client.get("/catalog/import/templates/unknown.xlsx").status_code == 404


def test_only_those_who_import_get_templates(client, login_as):
    login_as("member")
    assert client.get("/catalog/import/templates/usage.xlsx").status_code == 403


def test_a_text_file_named_xlsx_is_not_an_excel_file(client, login_as):
    factories.unit("Sở Tư pháp", code="STP")
    db.session.commit()
    login_as("leader", locale="vi")
    response = upload(client, b"Ma thu tuc,Ten thu tuc\r\nmot dong chu\r\n",
                      filename="danh-muc.xlsx")
    assert response.status_code == 200
    assert "Tệp này không phải tệp Excel hoặc CSV." in response.text
    assert "header row" not in response.text and "dòng tiêu đề" not in response.text
    assert counts() == (0, 0, 0)
    assert db.session.scalar(select(func.count(Service.id))) == 0
