"""Evidence files: type checked by content, size limit, storage, download rights."""

import os
import unicodedata
import zipfile
from io import BytesIO

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from taskforce.extensions import db
from taskforce.models import Attachment, AuditEvent
from taskforce.services import files
from taskforce.services.errors import DomainError, NotFound
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(data, name):
    return FileStorage(stream=BytesIO(data), filename=name)


def office_zip(*members):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<xml/>")
    return buffer.getvalue()


def xlsx_bytes():
    buffer = BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def upload_dir(tmp_path):
    return str(tmp_path / "files")


@pytest.fixture
def officer(app):
    return factories.user("unit_officer", unit=factories.unit())


def save(data, name, actor, upload_dir, max_bytes=1024 * 1024, **kw):
    return files.save_upload(db.session, upload(data, name), actor=actor, upload_dir=upload_dir,
                             max_bytes=max_bytes, **kw)


def test_png_is_stored_under_a_random_name(officer, upload_dir):
    service = factories.service(officer.unit)
    decomposed = unicodedata.normalize("NFD", "Ảnh chụp cổng.png")
    attachment = save(PNG, "C:\\Users\\a\\" + decomposed, officer, upload_dir, service=service)
    assert attachment.content_type == "image/png"
    assert attachment.size == len(PNG)
    assert attachment.original_name == "Ảnh chụp cổng.png"
    assert unicodedata.is_normalized("NFC", attachment.original_name)
    assert attachment.service_id == service.id
    assert attachment.uploaded_by_id == officer.id
    assert len(attachment.stored_name) == 32
    assert os.listdir(upload_dir) == [attachment.stored_name]
    with files.open_attachment(attachment, upload_dir) as stream:
        assert stream.read() == PNG
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.unit_id) == ("attachment.upload", officer.unit_id)


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "QĐ 123.pdf", files.PDF),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a.jpg", files.JPEG),
    (b"GIF89a\x01\x00", "a.gif", files.GIF),
    (office_zip("[Content_Types].xml", "word/document.xml"), "Báo cáo.docx", files.DOCX),
    (xlsx_bytes(), "so-lieu.xlsx", files.XLSX),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.doc", files.DOC),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "cu.xls", files.XLS),
    ("Kết quả: đã kết nối\r\n".encode(), "ghi-chu.txt", files.TEXT),
    ("mã,tên\n1,Đăng ký\n".encode(), "ds.csv", files.CSV),
])
def test_accepted_kinds(officer, upload_dir, data, name, content_type):
    assert save(data, name, officer, upload_dir).content_type == content_type


@pytest.mark.parametrize(("data", "name"), [
    (EXE, "minh-chung.pdf"),
    (EXE, "anh.png"),
    (office_zip("word/document.xml"), "no-content-types.docx"),
    (office_zip("[Content_Types].xml", "ppt/presentation.xml"), "slides.pptx"),
    (b"PK\x03\x04 broken zip", "broken.docx"),
    ("Xin chào".encode("utf-16"), "utf16.txt"),
    (b"\xd0\xe3ng k\xfd", "legacy-cp1258.txt"),
    (b"text with a bell \x07", "bell.txt"),
])
def test_other_kinds_are_refused_and_nothing_is_kept(officer, upload_dir, data, name):
    with pytest.raises(DomainError, match="not accepted") as error:
        save(data, name, officer, upload_dir)
    assert error.value.field == "evidence"
    assert db.session.scalar(select(func.count(Attachment.id))) == 0
    assert not os.path.exists(upload_dir) or os.listdir(upload_dir) == []


def test_oversize_is_refused(officer, upload_dir):
    with pytest.raises(DomainError, match="too large") as error:
        save(PNG + b"\x00" * 100, "big.png", officer, upload_dir, max_bytes=64)
    assert error.value.field == "evidence"
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_exactly_the_limit_is_accepted(officer, upload_dir):
    assert save(PNG, "ok.png", officer, upload_dir, max_bytes=len(PNG)).size == len(PNG)


def test_empty_file_is_refused(officer, upload_dir):
    with pytest.raises(DomainError, match="empty"):
        save(b"", "empty.txt", officer, upload_dir)


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("a<b>c?.pdf", "a_b_c_.pdf"),
    ("...", "evidence"),
    ("", "evidence"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
])
def test_display_name(raw, shown):
    assert files.display_name(raw) == shown


def test_missing_file_is_not_found(officer, upload_dir):
    attachment = save(PNG, "a.png", officer, upload_dir)
    os.remove(os.path.join(upload_dir, attachment.stored_name))
    with pytest.raises(NotFound):
        files.open_attachment(attachment, upload_dir)


def test_stored_name_cannot_reach_outside(upload_dir):
    with pytest.raises(NotFound):
        files.open_attachment(Attachment(stored_name="../../config.py"), upload_dir)


def test_task_files_follow_the_task_rules(officer, upload_dir):
    task = factories.task(officer.unit)
    attachment = save(PNG, "a.png", officer, upload_dir, task=task)
    stranger = factories.user("unit_officer", unit=factories.unit())
    assert files.can_download(officer, attachment)
    assert files.can_download(factories.user("viewer"), attachment)
    assert not files.can_download(stranger, attachment)


def test_service_files_follow_the_catalog_rules(officer, upload_dir):
    attachment = save(PNG, "a.png", officer, upload_dir, service=factories.service(officer.unit))
    stranger = factories.user("unit_officer", unit=factories.unit())
    assert files.can_download(stranger, attachment)
    assert not files.can_download(None, attachment)


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
