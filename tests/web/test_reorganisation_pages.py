"""The reorganisation page: upload, preview with row-numbered refusals, confirm."""

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import Reorganisation, Service, Unit, UnitKind
from tests import factories

HEADER = "effective_on,change,from_codes,to_code,to_name,basis\n"


@pytest.fixture
def districts(app):
    a = factories.unit("Huyện A", kind=UnitKind.DISTRICT, code="HA")
    b = factories.unit("Huyện B", kind=UnitKind.DISTRICT, code="HB")
    for unit in (a, b):
        factories.service(unit, code="1.001")
    db.session.commit()
    return a, b


def upload(client, content, name="merger.csv"):
    return client.post("/admin/reorganisations", data={
        "file": (io.BytesIO(content.encode()), name)}, content_type="multipart/form-data")


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_sheet_is_previewed_then_recorded_on_confirmation(client, login_as, districts):
    login_as("admin")
    page = upload(client, HEADER + "01/01/2021,merge,HA;HB,HAB,Huyện A-B,NQ 1\n")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "reorganisation-events" in html and "HAB (Huyện A-B)" in html
    assert count(Reorganisation) == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)[1]
    done = client.post("/admin/reorganisations/confirm",
                       data={"token": token, "filename": "merger.csv"})
    assert done.status_code == 302
    assert count(Reorganisation) == 1
    new = db.session.scalar(select(Unit).where(Unit.code == "HAB"))
    assert db.session.scalar(select(func.count()).where(Service.unit_id == new.id)) == 2
    listed = client.get("/admin/reorganisations").get_data(as_text=True)
    assert "Huyện A-B" in listed and "NQ 1" in listed
    again = client.post("/admin/reorganisations/confirm",
                        data={"token": token, "filename": "merger.csv"})
    assert again.status_code == 302 and count(Reorganisation) == 1


def test_a_sheet_with_errors_shows_them_by_row_and_offers_no_confirmation(client, login_as,
                                                                          districts):
    login_as("admin")
    html = upload(client, HEADER + "01/01/2021,merge,HA;HX,HAB,Huyện A-B,NQ\n"
                  "01/01/2021,dissolve,HB,HZ,,NQ\n").get_data(as_text=True)
    assert "reorganisation-errors" in html and 'name="token"' not in html
    assert "<td>2</td>" in html and "<td>3</td>" in html
    assert count(Reorganisation) == 0


@pytest.mark.parametrize("content", ["", "not,a,sheet\n1,2,3\n", "\x00\x01garbage"])
def test_a_file_that_is_no_reorganisation_sheet_is_refused_on_the_form(client, login_as,
                                                                        districts, content):
    login_as("admin")
    page = upload(client, content)
    assert page.status_code == 200 and "invalid-feedback" in page.get_data(as_text=True)
    assert count(Reorganisation) == 0


def test_a_forged_token_is_refused(client, login_as, districts):
    login_as("admin")
    page = client.post("/admin/reorganisations/confirm",
                       data={"token": "../../etc/passwd", "filename": "x.csv"})
    assert page.status_code == 302 and count(Reorganisation) == 0


def test_a_unit_ended_by_a_merger_shows_its_last_day(client, login_as, districts):
    login_as("admin")
    a, _b = districts
    a.ended_on = date(2020, 12, 31)
    db.session.commit()
    assert "31/12/2020" in client.get("/admin/units").get_data(as_text=True)
