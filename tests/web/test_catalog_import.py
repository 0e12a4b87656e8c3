"""The import page: upload, preview, confirm; who may use it; bad tokens and bad files."""

import csv
import io
import os
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import ClaimStatus, LevelChange, Service, ServiceUsage, Setting
from taskforce.permissions import IMPORTS_NEED_SECOND_CHECK
from tests import factories

HEADER = ["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ"]


def csv_bytes(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def upload(client, data, kind="catalog", filename="catalog.csv"):
    return client.post("/catalog/import", data={"kind": kind, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def hidden(html, name):
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)
    return match.group(1) if match else None


def confirm(client, html):
    return client.post("/catalog/import/confirm", data={
        "kind": hidden(html, "kind"), "token": hidden(html, "token"),
        "filename": hidden(html, "filename")})


def counts():
    db.session.rollback()
    return (db.session.scalar(select(func.count(Service.id))),
            db.session.scalar(select(func.count(LevelChange.id))),
            db.session.scalar(select(func.count(ServiceUsage.id))))


def stored_files(app):
    folder = os.path.join(app.config["INSTANCE_DIR"], "imports")
    return os.listdir(folder) if os.path.isdir(folder) else []


@pytest.fixture
def unit(app):
    made = factories.unit("Sở Tư pháp", code="STP")
    db.session.commit()
    return made


def test_upload_preview_and_confirm(app, client, login_as, unit):
    login_as("leader", locale="en")
    existing = factories.service(unit, level=3, code="1.1", name="Thủ tục có sẵn")
    # Imported levels count as verified only when the task force turned the second check off
    # (the default, a claim for another verifier: tests/web/test_duties.py).
    db.session.add(Setting(key=IMPORTS_NEED_SECOND_CHECK, value=False))
    db.session.commit()
    page = client.get("/catalog/import")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    data = csv_bytes([["DANH MỤC"], HEADER, ["1.1", "Thủ tục có sẵn", "Sở Tư pháp", "4"],
                      ["1.2", "Thủ tục mới", "so tu phap", "Mức độ 3"]])
    preview = upload(client, data)
    assert preview.status_code == 200
    assert "Thủ tục mới" in preview.text and "Confirm the import" in preview.text
    assert counts() == (1, 1, 0)
    assert len(stored_files(app)) == 1
    done = confirm(client, preview.text)
    assert done.status_code == 302
    assert counts() == (2, 3, 0)
    db.session.refresh(existing)
    assert existing.level == 4
    change = db.session.scalar(select(LevelChange).where(LevelChange.source == "import"))
    assert change.status == ClaimStatus.VERIFIED
    assert stored_files(app) == []
    again = confirm(client, preview.text)
    assert again.status_code == 302
    assert counts() == (2, 3, 0)


def test_a_file_with_errors_shows_them_by_row_and_offers_no_confirmation(app, client, login_as,
                                                                        unit):
    login_as("admin", locale="en")
    data = csv_bytes([HEADER, ["1.1", "Tốt", "STP", "4"], ["1.2", "Xấu", "Sở Lạ", "3"],
                      ["1.1", "Tốt", "STP", "4"]])
    preview = upload(client, data)
    assert preview.status_code == 200
    assert "Sở Lạ" in preview.text and "already on row 2" in preview.text
    assert "Confirm the import" not in preview.text
    assert hidden(preview.text, "token") is None
    assert stored_files(app) == []
    assert counts() == (0, 0, 0)


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(client, login_as, unit):
    login_as("leader", locale="en")
    response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00", filename="photo.xlsx")
    assert response.status_code == 200
    assert "not a spreadsheet" in response.text
    response = upload(client, b"", filename="empty.csv")
    assert response.status_code == 200 and "empty" in response.text
    response = upload(client, b"a,b", filename="notes.txt")
    assert "xlsx" in response.text


def test_confirm_plans_again_and_writes_nothing_when_the_database_changed(app, client, login_as,
                                                                         unit):
    login_as("leader", locale="en")
    preview = upload(client, csv_bytes([HEADER, ["1.1", "Thủ tục", "Sở Tư pháp", "4"]]))
    assert hidden(preview.text, "token")
    unit.name, unit.name_key, unit.code = "Sở Tư pháp mới", "so tu phap moi", "STP2"
    db.session.commit()
    response = confirm(client, preview.text)
    assert response.status_code == 200
    assert "Sở Tư pháp" in response.text and "Unknown unit" in response.text
    assert counts() == (0, 0, 0)
    assert stored_files(app) == []


@pytest.mark.parametrize("token", ["0" * 32 + ".csv", "../../etc/passwd", "", "abc.exe"])
def test_a_missing_or_bad_token_gives_a_message(client, login_as, token):
    login_as("leader", locale="en")
    response = client.post("/catalog/import/confirm",
                           data={"kind": "catalog", "token": token, "filename": "x.csv"},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "no longer waiting for confirmation" in response.text


def test_usage_upload_and_confirm(client, login_as, unit):
    login_as("leader", locale="en")
    factories.service(unit, code="1.1")
    db.session.commit()
    data = csv_bytes([["Tháng", "Mã thủ tục", "Tổng số hồ sơ", "Hồ sơ trực tuyến"],
                      ["09/2020", "1.1", "12", "5"]])
    preview = upload(client, data, kind="usage", filename="usage.csv")
    assert preview.status_code == 200 and "09/2020" in preview.text
    assert confirm(client, preview.text).status_code == 302
    assert counts()[2] == 1


@pytest.mark.parametrize("role", ["viewer", "unit_officer", "member"])
def test_other_roles_may_not_import(client, login_as, role):
    login_as(role, locale="en")
    assert client.get("/catalog/import").status_code == 403
    assert upload(client, csv_bytes([HEADER])).status_code == 403
    assert client.post("/catalog/import/confirm", data={"token": "0" * 32 + ".csv"}
                       ).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/catalog/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
