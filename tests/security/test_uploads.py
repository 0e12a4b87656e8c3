"""Uploads and downloads: size limits, safe spreadsheets, attachments, formula-safe exports."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from flask import current_app
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from taskforce.extensions import db
from taskforce.models import Attachment, Role, Task, TaskStatus, Unit
from taskforce.models.types import utcnow
from taskforce.services import catalog_import, files, reviews, spreadsheets
from taskforce.services.errors import DomainError
from tests import evidence, factories
from tests.security import COUNTS
from tests.security.world import (
    B_CLAIM_FILE,
    B_CLAIM_NOTE,
    TODAY,
    build_world,
    changed,
    log_in,
    routes,
    snapshot,
    url_of,
)

PAYLOADS = ("=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(1)")
# What a page may be; every other answer is a file to save, never to open in the browser.
SHOWN_INLINE = {"text/html", "image/svg+xml", "image/png", "text/calendar"}


def _leader(app):
    user = factories.user(role=Role.LEADER)
    db.session.commit()
    client = app.test_client()
    log_in(client, user.email)
    return client


# Size limits ----------------------------------------------------------------------------------

@pytest.mark.parametrize("csrf", [False, True])
def test_a_request_over_the_size_limit_gets_the_413_page(make_app, csrf):
    app = make_app(TODAY=TODAY, MAX_CONTENT_LENGTH=64 * 1024, WTF_CSRF_ENABLED=csrf)
    with app.app_context():
        world = build_world()
        leader = factories.user(role=Role.LEADER)
        db.session.commit()
        client = app.test_client()
        log_in(client, leader.email, with_token=csrf)
        before = snapshot()
        big = b"%PDF-1.4\n" + b"0" * 100_000
        for url, data in (
            ("/catalog/import", {"kind": "catalog", "file": (io.BytesIO(big), "catalog.csv")}),
            ("/login", {"email": "a@example.test", "password": "x" * 100_000}),
            (f"/tasks/{world['task_b']}/updates", {"note": "x" * 100_000}),
        ):
            response = client.post(url, data=data)
            assert response.status_code == 413, url
            assert "Tệp quá lớn" in response.get_data(as_text=True), url
        assert changed(before, snapshot()) == []


def test_a_huge_text_field_is_refused_within_the_request_limit(make_app):
    app = make_app(TODAY=TODAY)  # the default 16 MiB request limit
    with app.app_context():
        world = build_world()
        client = _leader(app)
        before = snapshot()
        # The update form is multipart (it carries files): a text part has its own limit.
        response = client.post(f"/tasks/{world['task_b']}/updates", data={"note": "x" * 600_000},
                               content_type="multipart/form-data")
        assert response.status_code == 413
        assert changed(before, snapshot()) == []


# Downloads ------------------------------------------------------------------------------------

def test_every_download_is_an_attachment_that_is_not_sniffed(secure_app):
    world = build_world()
    admin = factories.user(role=Role.ADMIN)
    db.session.commit()
    clients = {"leader": _leader(secure_app), "admin": secure_app.test_client()}
    log_in(clients["admin"], admin.email)
    downloads = []
    for rule, _method in routes(secure_app, "GET"):
        for client in clients.values():
            response = client.get(url_of(rule, world))
            if response.status_code != 200 or response.mimetype in SHOWN_INLINE:
                continue
            downloads.append(rule.endpoint)
            disposition = response.headers.get("Content-Disposition", "")
            assert disposition.startswith("attachment"), rule.endpoint
            assert response.headers["X-Content-Type-Options"] == "nosniff", rule.endpoint
    COUNTS["routes_roles"] += len(downloads)
    assert {"catalog.evidence", "catalog.export", "tasks.export", "reviews.export_xlsx",
            "reviews.export_docx", "outbox.eml"} <= set(downloads)


def test_a_pdf_is_stored_and_served_as_a_pdf_attachment(secure_app):
    world = build_world()
    storage = FileStorage(io.BytesIO(evidence.PDF), filename="../../bien-ban.pdf")
    attachment = files.save_upload(db.session, storage, actor=None, max_bytes=1024,
                                   upload_dir=current_app.config["UPLOAD_DIR"],
                                   task=db.session.get(Task, world["task_a"]))
    db.session.commit()
    assert attachment.original_name == "bien-ban.pdf"
    assert len(attachment.stored_name) == 32 and "." not in attachment.stored_name
    response = _leader(secure_app).get(f"/files/{attachment.id}")
    assert response.mimetype == "application/pdf"
    assert response.data == evidence.PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_executable_named_pdf_is_refused(secure_app, tmp_path):
    storage = FileStorage(io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00"), filename="bien-ban.pdf")
    with pytest.raises(DomainError):
        files.save_upload(db.session, storage, actor=None, upload_dir=str(tmp_path),
                          max_bytes=1024)
    assert list(tmp_path.iterdir()) == []


# Evidence files: the allow-list, staging, the unit rule ---------------------------------------

HOSTILE = {
    "invoice.hta": evidence.TEXT,
    "setup.js": evidence.TEXT,
    "minh-chung.vbs": evidence.TEXT,
    "page.html": b"<html><script>alert(document.cookie)</script></html>",
    "pic.svg": evidence.SVG,
    "Bien-ban.pdf.bat": evidence.TEXT,
    "setup.msi": evidence.MSI,
    "polyglot.exe": evidence.PDF,
    "bao-cao-\u202efdp.exe": evidence.PDF,
}
_FIELD_ERROR = re.compile(r'id="[^"]*evidence-error">([^<]*)<')


def _stored_files():
    """Every file under the upload folder, staged ones included."""
    root = Path(current_app.config["UPLOAD_DIR"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _post_update(client, task_id, *uploads):
    return client.post(f"/tasks/{task_id}/updates", content_type="multipart/form-data",
                       data={"note": "Đã kết nối", "status": "in_progress",
                             "evidence": [(io.BytesIO(data), name) for name, data in uploads]})


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_issues_hostile_files_are_refused_under_the_field(secure_app, name):
    world = build_world()
    client, before, kept = _leader(secure_app), snapshot(), _stored_files()
    response = _post_update(client, world["task_b"], (name, HOSTILE[name]))
    assert response.status_code == 200
    errors = _FIELD_ERROR.findall(response.get_data(as_text=True))
    assert len(errors) == 1 and files.ALLOWED_TEXT in errors[0], errors
    assert "\u202e" not in errors[0]
    assert changed(before, snapshot()) == []
    assert _stored_files() == kept


def test_an_update_with_a_good_and_a_refused_file_leaves_no_file(secure_app):
    world = build_world()
    client, before, kept = _leader(secure_app), snapshot(), _stored_files()
    response = _post_update(client, world["task_b"], ("bien-ban.pdf", evidence.PDF),
                            ("setup.exe", evidence.EXE))
    assert _FIELD_ERROR.findall(response.get_data(as_text=True))
    assert changed(before, snapshot()) == []
    assert _stored_files() == kept
    response = _post_update(client, world["task_b"], ("bien-ban.pdf", evidence.PDF),
                            ("so-lieu.xlsx", evidence.xlsx()))
    assert response.status_code == 302
    assert len(_stored_files()) == len(kept) + 2
    assert not any(name.startswith(files.STAGING) for name in _stored_files())


def _client_of(app, role, unit_id=None):
    user = factories.user(role=role, unit=db.session.get(Unit, unit_id) if unit_id else None)
    db.session.commit()
    client = app.test_client()
    log_in(client, user.email)
    return client


def test_the_catalog_page_shows_a_claims_evidence_only_to_who_may_read_its_task(secure_app):
    world = build_world()
    url = f"/catalog/{world['service_b']}"
    officer_a = _client_of(secure_app, Role.UNIT_OFFICER, world["unit_a"])
    assert officer_a.get(f"/tasks/{world['task_b']}").status_code == 403
    page = officer_a.get(url).get_data(as_text=True)
    assert B_CLAIM_NOTE not in page and B_CLAIM_FILE not in page
    assert "/files/" not in page
    for reader in (_client_of(secure_app, Role.UNIT_OFFICER, world["unit_b"]),
                   _client_of(secure_app, Role.VIEWER), _client_of(secure_app, Role.MEMBER)):
        page = reader.get(url).get_data(as_text=True)
        assert B_CLAIM_NOTE in page and B_CLAIM_FILE in page


def _claim_file():
    """The file of unit B's claim made through its task."""
    return db.session.scalars(select(Attachment)
                              .where(Attachment.original_name == B_CLAIM_FILE)).one()


def _service_file(service_id):
    """The file of a claim on unit B's service made without a task."""
    attachment = Attachment(service_id=service_id, original_name="minh-chung.pdf",
                            stored_name="d" * 32, content_type=files.PDF, size=len(evidence.PDF))
    db.session.add(attachment)
    db.session.commit()
    (Path(current_app.config["UPLOAD_DIR"]) / attachment.stored_name).write_bytes(evidence.PDF)
    return attachment


@pytest.mark.parametrize("through_task", [True, False])
def test_claim_evidence_is_downloaded_only_by_who_may_read_it(secure_app, through_task):
    world = build_world()
    attachment = _claim_file() if through_task else _service_file(world["service_b"])
    url = f"/files/{attachment.id}"
    assert _client_of(secure_app, Role.UNIT_OFFICER, world["unit_a"]).get(url).status_code == 403
    for reader in (_client_of(secure_app, Role.UNIT_OFFICER, world["unit_b"]),
                   _client_of(secure_app, Role.VIEWER), _client_of(secure_app, Role.LEADER)):
        response = reader.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")


# Spreadsheets parsed safely -------------------------------------------------------------------

def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


def _workbook_bytes():
    book = Workbook()
    book.active.append(["Mã thủ tục", "Tên thủ tục", "Cơ quan thực hiện", "Mức độ"])
    book.active.append(["MOI-1", "Thủ tục mới", "Sở Tư pháp", 3])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _replace_member(data, name, text):
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, text if item.filename == name else source.read(item))
    return out.getvalue()


LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
SHEET = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">{entities}]>'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Mã thủ tục</t></is></c>'
         '<c r="B1" t="inlineStr"><is><t>Mức độ</t></is></c></row><row r="2">'
         '<c r="A2" t="inlineStr"><is><t>{payload}</t></is></c><c r="B2"><v>4</v></c></row>'
         '</sheetData></worksheet>')
XML_ATTACKS = {
    "billion laughs": SHEET.format(entities=LAUGHS, payload="&lol9;"),
    "external entity": SHEET.format(entities='<!ENTITY xxe SYSTEM "file:///etc/passwd">',
                                    payload="&xxe;"),
}


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
def test_xml_entity_attacks_in_a_workbook_are_refused(secure_app, attack):
    data = _replace_member(_workbook_bytes(), "xl/worksheets/sheet1.xml", XML_ATTACKS[attack])
    with pytest.raises(DomainError) as refused:
        catalog_import.plan_catalog_import(db.session, data, "tan-cong.xlsx",
                                           today=date.fromisoformat(TODAY))
    assert "root:" not in refused.value.message
    response = _leader(secure_app).post("/catalog/import", data={
        "kind": "catalog", "file": (io.BytesIO(data), "tan-cong.xlsx")})
    assert response.status_code == 200
    assert "root:" not in response.get_data(as_text=True)


def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(secure_app):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"0" * (1 << 20)
            for _ in range(spreadsheets.MAX_UNZIPPED_BYTES // len(zeros) + 1):
                member.write(zeros)
    assert len(data.getvalue()) < spreadsheets.MAX_FILE_BYTES
    with pytest.raises(DomainError, match="giải nén"):
        catalog_import.plan_catalog_import(db.session, data.getvalue(), "bom.xlsx",
                                           today=date.fromisoformat(TODAY))


# Exports safe against formula injection -------------------------------------------------------

def _catalog_world():
    for n, payload in enumerate(PAYLOADS):
        unit = factories.unit(name=payload, code=f"F{n}")
        factories.service(unit, name=payload)
        factories.task(unit, title=payload, status=TaskStatus.REPORTED, reported_at=utcnow(),
                       due_on=date(2020, 11, 20))
    db.session.commit()


def _review_url():
    review = reviews.build_review(db.session, kind="custom", start=date(2020, 10, 26),
                                  end=date(2020, 11, 1), now=utcnow(),
                                  today=date.fromisoformat(TODAY))
    db.session.commit()
    return f"/reviews/{review.id}/review.xlsx"


EXPORTS = {
    "catalog.export": lambda: "/catalog/export.xlsx",
    "tasks.export": lambda: "/tasks/export.xlsx",
    "dashboard.export": lambda: "/dashboard/export.xlsx",
    "reviews.export_xlsx": _review_url,
}


# The import templates hold the code's own texts, and the issuing body written safe like every
# title block (tests/security/test_bad_input.py).
TEMPLATES = {"catalog.import_template"}


def test_every_spreadsheet_export_is_checked(app):
    exports = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".xlsx")}
    assert exports == set(EXPORTS) | TEMPLATES


@pytest.mark.parametrize("endpoint", sorted(EXPORTS))
def test_exports_write_formula_like_text_as_text(secure_app, endpoint):
    _catalog_world()
    response = _leader(secure_app).get(EXPORTS[endpoint]())
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value}"
                text = cell.value if isinstance(cell.value, str) else ""
                hits = {p for p in PAYLOADS if text.lstrip("'").startswith(p)}
                if hits:
                    assert text.startswith("'"), f"{sheet.title}!{cell.coordinate}: {text}"
                    found |= hits
    assert found == set(PAYLOADS), f"{endpoint} did not export {set(PAYLOADS) - found}"


def test_the_start_up_check_agrees_with_openpyxl(monkeypatch):
    from taskforce import workbooks_read_safely

    assert workbooks_read_safely() is openpyxl.DEFUSEDXML is True
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    assert workbooks_read_safely() is False


def test_exports_refuse_the_characters_openpyxl_refuses():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from taskforce.services import exports

    assert exports.ILLEGAL_CHARACTERS_RE.pattern == ILLEGAL_CHARACTERS_RE.pattern
