"""Evidence files: the allow-list by name and content, names, staging, rights, the audit."""

import os
import time
import unicodedata
from io import BytesIO

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from taskforce import permissions
from taskforce.extensions import db
from taskforce.models import Attachment, AuditEvent, ClaimStatus, LevelChange, StatusUpdate
from taskforce.models.types import utcnow
from taskforce.services import files, tasks
from taskforce.services.errors import DomainError, NotFound
from tests import evidence, factories


def upload(data, name):
    return FileStorage(stream=BytesIO(data), filename=name)


@pytest.fixture
def upload_dir(tmp_path):
    return str(tmp_path / "files")


@pytest.fixture
def officer(app):
    return factories.user("unit_officer", unit=factories.unit())


def save(data, name, actor, upload_dir, max_bytes=1024 * 1024, **kw):
    return files.save_upload(db.session, upload(data, name), actor=actor, upload_dir=upload_dir,
                             max_bytes=max_bytes, **kw)


def stored(upload_dir):
    """Every file under the upload folder, staged ones included, as paths relative to it."""
    if not os.path.isdir(upload_dir):
        return []
    return sorted(os.path.relpath(os.path.join(folder, name), upload_dir)
                  for folder, _dirs, names in os.walk(upload_dir) for name in names)


def attachments():
    return db.session.scalar(select(func.count(Attachment.id)))


# The allow-list -------------------------------------------------------------------------------

def test_png_is_stored_under_a_random_name_once_committed(officer, upload_dir):
    service = factories.service(officer.unit)
    decomposed = unicodedata.normalize("NFD", "Ảnh chụp cổng.png")
    attachment = save(evidence.PNG, "C:\\Users\\a\\" + decomposed, officer, upload_dir,
                      service=service)
    assert attachment.content_type == "image/png"
    assert attachment.size == len(evidence.PNG)
    assert attachment.original_name == "Ảnh chụp cổng.png"
    assert unicodedata.is_normalized("NFC", attachment.original_name)
    assert attachment.service_id == service.id
    assert attachment.uploaded_by_id == officer.id
    assert len(attachment.stored_name) == 32
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.unit_id) == ("attachment.upload", officer.unit_id)
    db.session.commit()
    assert stored(upload_dir) == [attachment.stored_name]
    with files.open_attachment(attachment, upload_dir) as stream:
        assert stream.read() == evidence.PNG


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (evidence.PDF, "QĐ 123.pdf", files.PDF),
    (evidence.PDF, "QUYET-DINH.PDF", files.PDF),
    (evidence.PNG, "a.png", files.PNG),
    (evidence.JPEG, "a.jpg", files.JPEG),
    (evidence.JPEG, "a.jpeg", files.JPEG),
    (evidence.GIF, "a.gif", files.GIF),
    (evidence.WEBP, "a.webp", files.WEBP),
    (evidence.docx(), "Báo cáo.docx", files.DOCX),
    (evidence.xlsx(), "so-lieu.xlsx", files.XLSX),
    (evidence.odf("text"), "bao-cao.odt", files.ODT),
    (evidence.odf("spreadsheet"), "so-lieu.ods", files.ODS),
    (evidence.DOC, "cu.doc", files.DOC),
    (evidence.XLS, "cu.xls", files.XLS),
    (evidence.PDF, "bien-ban.2020.exe.pdf", files.PDF),
])
def test_accepted_kinds(officer, upload_dir, data, name, content_type):
    assert save(data, name, officer, upload_dir).content_type == content_type


# The files, then content that is not what its extension says.
REFUSED = [
    (evidence.TEXT, "invoice.hta"),
    (evidence.TEXT, "setup.js"),
    (evidence.TEXT, "minh-chung.vbs"),
    (b"<html><script>alert(1)</script></html>", "page.html"),
    (evidence.SVG, "pic.svg"),
    (evidence.TEXT, "Bien-ban.pdf.bat"),
    (evidence.PDF, "Bien-ban.pdf.bat"),
    (evidence.MSI, "setup.msi"),
    (evidence.DOC, "setup.msi"),
    (evidence.PDF, "polyglot.exe"),
    (evidence.PDF, "bao-cao-\u202efdp.exe"),
    (evidence.PDF, "no-extension"),
    (evidence.PDF, ".pdf"),
    (evidence.TEXT, "ghi-chu.txt"),
    ("mã,tên\n1,=cmd|' /C calc'!A0\n".encode(), "ds.csv"),
    (evidence.EXE, "minh-chung.pdf"),
    (evidence.EXE, "anh.png"),
    (evidence.PNG, "anh.jpg"),
    (evidence.PDF, "anh.png"),
    (evidence.SVG, "anh.png"),
    (evidence.TEXT, "bien-ban.pdf"),
    (evidence.docx(), "so-lieu.xlsx"),
    (evidence.xlsx(), "bao-cao.docx"),
    (evidence.odf("text"), "so-lieu.ods"),
    (evidence.odf("presentation"), "slides.odt"),
    (evidence.DOC, "cu.xls"),
    (evidence.XLS, "cu.doc"),
    (evidence.MSI, "cu.doc"),
    (evidence.ole2("WordDocument", "Workbook"), "both.doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "broken.doc"),
    (evidence.zipped({"word/document.xml": "x"}), "no-content-types.docx"),
    (evidence.zipped({"[Content_Types].xml": "x", "ppt/presentation.xml": "x"}), "s.docx"),
    (b"PK\x03\x04 broken zip", "broken.docx"),
    (evidence.zipped({"mimetype": "x" * 500, "content.xml": "x"}), "big-mimetype.odt"),
]


@pytest.mark.parametrize(("data", "name"), REFUSED)
def test_other_names_and_contents_are_refused_and_nothing_is_kept(officer, upload_dir, data,
                                                                  name):
    with pytest.raises(DomainError, match="not accepted") as error:
        save(data, name, officer, upload_dir)
    assert error.value.field == "evidence"
    assert files.ALLOWED_TEXT in error.value.message
    assert attachments() == 0
    assert stored(upload_dir) == []


@pytest.mark.parametrize(("data", "name"), [
    (evidence.docx("word/vbaProject.bin"), "bao-cao.docx"),
    (evidence.xlsx_with("xl/vbaProject.bin"), "so-lieu.xlsx"),
    (evidence.xlsx_with("xl/macrosheets/sheet1.xml"), "so-lieu.xlsx"),
    (evidence.odf("text", "Basic/Standard/Module1.xml"), "bao-cao.odt"),
    (evidence.odf("spreadsheet", "Scripts/python/run.py"), "so-lieu.ods"),
    (evidence.ole2("WordDocument", "1Table", storages=["Macros"]), "cu.doc"),
    (evidence.ole2("Workbook", storages=["_VBA_PROJECT_CUR"]), "cu.xls"),
])
def test_documents_with_macros_are_refused(officer, upload_dir, data, name):
    with pytest.raises(DomainError, match="contains macros") as error:
        save(data, name, officer, upload_dir)
    assert error.value.field == "evidence"
    assert attachments() == 0


def test_the_refusal_names_the_allowed_types():
    with pytest.raises(DomainError) as error:
        files.check_kind("setup.js", evidence.TEXT)
    assert error.value.message == (
        "This kind of file is not accepted: setup.js. Accepted types: .pdf, .png, .jpg, .jpeg, "
        ".gif, .webp, .docx, .xlsx, .odt, .ods, .doc, .xls.")


def test_oversize_is_refused(officer, upload_dir):
    with pytest.raises(DomainError, match="too large") as error:
        save(evidence.PNG + b"\x00" * 100, "big.png", officer, upload_dir, max_bytes=64)
    assert error.value.field == "evidence"
    assert attachments() == 0


def test_exactly_the_limit_is_accepted(officer, upload_dir):
    size = len(evidence.PNG)
    assert save(evidence.PNG, "ok.png", officer, upload_dir, max_bytes=size).size == size


def test_empty_file_is_refused(officer, upload_dir):
    with pytest.raises(DomainError, match="empty"):
        save(b"", "empty.pdf", officer, upload_dir)


# Names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("a<b>c?.pdf", "a_b_c_.pdf"),
    ("...", "evidence"),
    ("", "evidence"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ("bao-cao-\u202efdp.exe", "bao-cao-fdp.exe"),
    ("\u2067bien-ban\u2069\u200f.pdf", "bien-ban.pdf"),
    ("a\u200bb\ufeff\u00ad.pdf", "ab.pdf"),
    ("bien\tban\r\n  so\u00a01\u3000.pdf", "bien ban so 1 .pdf"),
    ("line\u2028break.pdf", "line break.pdf"),
    ("a\x00b\x07c\x7f.pdf", "abc.pdf"),
    ("bien-ban.pdf. . ", "bien-ban.pdf"),
    ("bao-cao.pdf::$DATA", "bao-cao.pdf_$DATA"),
    ("con.pdf", "_con.pdf"),
    ("LPT1.docx", "_LPT1.docx"),
    ("console.pdf", "console.pdf"),
])
def test_display_name(raw, shown):
    assert files.display_name(raw) == shown


def test_a_right_to_left_override_cannot_disguise_the_extension(officer, upload_dir):
    with pytest.raises(DomainError) as error:
        save(evidence.PDF, "bao-cao-\u202efdp.exe", officer, upload_dir)
    assert "bao-cao-fdp.exe" in error.value.message
    assert "\u202e" not in error.value.message
    attachment = save(evidence.PDF, "bao-cao-\u202excod.pdf", officer, upload_dir)
    assert attachment.original_name == "bao-cao-xcod.pdf"


# Written when the transaction commits, never when it rolls back --------------------------------

def test_nothing_reaches_the_folder_before_the_commit(officer, upload_dir):
    attachment = save(evidence.PDF, "a.pdf", officer, upload_dir)
    assert not os.path.exists(os.path.join(upload_dir, attachment.stored_name))
    db.session.commit()
    assert stored(upload_dir) == [attachment.stored_name]


def test_a_rollback_removes_the_staged_files(officer, upload_dir):
    db.session.commit()
    save(evidence.PDF, "a.pdf", officer, upload_dir)
    with pytest.raises(DomainError):
        save(evidence.EXE, "b.exe", officer, upload_dir)
    assert stored(upload_dir) != []  # the good file waits in the staging folder
    db.session.rollback()
    assert stored(upload_dir) == []
    assert attachments() == 0


def test_a_session_closed_without_commit_removes_the_staged_files(officer, upload_dir):
    db.session.commit()
    save(evidence.PDF, "a.pdf", officer, upload_dir)
    db.session.close()
    assert stored(upload_dir) == []


def test_a_rolled_back_savepoint_removes_only_its_files(officer, upload_dir):
    kept = save(evidence.PDF, "kept.pdf", officer, upload_dir)
    with db.session.begin_nested():
        released = save(evidence.PNG, "released.png", officer, upload_dir)
    savepoint = db.session.begin_nested()
    save(evidence.GIF, "dropped.gif", officer, upload_dir)
    savepoint.rollback()
    db.session.commit()
    assert stored(upload_dir) == sorted([kept.stored_name, released.stored_name])


def test_every_caller_gets_it_the_task_update_with_a_refused_file(officer, upload_dir):
    task = factories.task(officer.unit)
    db.session.commit()
    with pytest.raises(DomainError):
        tasks.log_update(db.session, task, actor=officer, now=utcnow(), today=None, note="x",
                         uploads=[upload(evidence.PDF, "bien-ban.pdf"),
                                  upload(evidence.EXE, "setup.exe")],
                         upload_dir=upload_dir, max_bytes=1024 * 1024)
    db.session.rollback()
    assert db.session.scalar(select(func.count(StatusUpdate.id))) == 0
    assert stored(upload_dir) == []


def test_missing_file_is_not_found(officer, upload_dir):
    attachment = save(evidence.PNG, "a.png", officer, upload_dir)
    db.session.commit()
    os.remove(os.path.join(upload_dir, attachment.stored_name))
    with pytest.raises(NotFound):
        files.open_attachment(attachment, upload_dir)


def test_stored_name_cannot_reach_outside(upload_dir):
    with pytest.raises(NotFound):
        files.open_attachment(Attachment(stored_name="../../config.py"), upload_dir)


# Who may read evidence ------------------------------------------------------------------------

def test_task_files_follow_the_task_rules(officer, upload_dir):
    task = factories.task(officer.unit)
    attachment = save(evidence.PNG, "a.png", officer, upload_dir, task=task)
    stranger = factories.user("unit_officer", unit=factories.unit())
    assert files.can_download(officer, attachment)
    assert files.can_download(factories.user("viewer"), attachment)
    assert not files.can_download(stranger, attachment)


def test_update_files_follow_the_task_rules(officer, upload_dir):
    task = factories.task(officer.unit)
    update = StatusUpdate(task_id=task.id, note="x", created_at=utcnow())
    db.session.add(update)
    db.session.flush()
    attachment = Attachment(update_id=update.id, original_name="a.pdf", stored_name="e" * 32,
                            content_type=files.PDF, size=1)
    db.session.add(attachment)
    db.session.flush()
    assert files.can_download(officer, attachment)
    assert not files.can_download(factories.user("unit_officer", unit=factories.unit()),
                                  attachment)


def test_claim_files_follow_the_unit_rule(officer, upload_dir):
    attachment = save(evidence.PNG, "a.png", officer, upload_dir,
                      service=factories.service(officer.unit))
    stranger = factories.user("unit_officer", unit=factories.unit())
    assert files.can_download(officer, attachment)
    assert not files.can_download(stranger, attachment)
    for role in ("viewer", "member", "leader", "admin"):
        assert files.can_download(factories.user(role), attachment), role
    assert not files.can_download(None, attachment)


def test_an_orphan_attachment_is_for_the_task_force_only(officer):
    attachment = Attachment(original_name="a.pdf", stored_name="f" * 32,
                            content_type=files.PDF, size=1)
    assert not files.can_download(officer, attachment)
    assert files.can_download(factories.user("viewer"), attachment)


def _claims():
    """Claims of two units, with and without a task, the task's unit differing once."""
    unit_a, unit_b = factories.unit(), factories.unit()
    service_a, service_b = factories.service(unit_a), factories.service(unit_b)
    task_a, task_b = factories.task(unit_a), factories.task(unit_b)
    no_unit = factories.task(None)
    changes = [
        factories.level_change(service_a, 4, utcnow().date(), status=ClaimStatus.PENDING,
                               evidence_note="a"),
        factories.level_change(service_b, 4, utcnow().date(), status=ClaimStatus.PENDING,
                               evidence_note="b"),
        factories.level_change(service_a, 4, utcnow().date(), task_id=task_a.id,
                               evidence_note="task a"),
        factories.level_change(service_b, 4, utcnow().date(), task_id=task_b.id,
                               evidence_note="task b"),
        factories.level_change(service_a, 4, utcnow().date(), task_id=task_b.id,
                               evidence_note="service a, task b"),
        factories.level_change(service_a, 4, utcnow().date(), task_id=no_unit.id,
                               evidence_note="task of no unit"),
    ]
    return unit_a, changes


def test_the_sql_form_of_the_claim_rule_agrees_with_the_python_form(app):
    unit_a, changes = _claims()
    users = [factories.user("unit_officer", unit=unit_a)]
    users += [factories.user(role) for role in ("viewer", "member", "leader", "admin")]
    for user in users:
        expected = {c.id for c in changes if permissions.can(user, "evidence.view", c)}
        assert files.claims_with_visible_evidence(db.session, user, changes) == expected
    officer = users[0]
    shown = {db.session.get(LevelChange, i).evidence_note
             for i in files.claims_with_visible_evidence(db.session, officer, changes)}
    assert shown == {"a", "task a"}


# Audit ----------------------------------------------------------------------------------------

def _row(upload_dir, name, data, content_type, stored_name=None):
    attachment = Attachment(original_name=name, stored_name=stored_name or os.urandom(16).hex(),
                            content_type=content_type, size=len(data or b""))
    db.session.add(attachment)
    if data is not None:
        os.makedirs(upload_dir, exist_ok=True)
        with open(os.path.join(upload_dir, attachment.stored_name), "wb") as out:
            out.write(data)
    return attachment


def test_the_audit_lists_what_the_policy_refuses_and_orphans(officer, upload_dir):
    good = save(evidence.PDF, "good.pdf", officer, upload_dir)
    db.session.commit()
    text = _row(upload_dir, "ghi-chu.txt", evidence.TEXT, "text/plain")
    hta = _row(upload_dir, "invoice.hta", evidence.TEXT, "text/plain")
    bidi = _row(upload_dir, "bao-cao-\u202efdp.pdf", evidence.PDF, files.PDF)
    served = _row(upload_dir, "cu.xls", evidence.XLS, files.DOC)
    missing = _row(upload_dir, "mat.pdf", None, files.PDF)
    bad = _row(upload_dir, "x.pdf", None, files.PDF, stored_name="../../config.py")
    db.session.commit()
    orphan = os.path.join(upload_dir, "0" * 32)
    with open(orphan, "wb") as out:
        out.write(evidence.PDF)
    staging = os.path.join(upload_dir, files.STAGING)
    os.makedirs(staging, exist_ok=True)
    stale, fresh = os.path.join(staging, "1" * 32), os.path.join(staging, "2" * 32)
    for path in (stale, fresh):
        with open(path, "wb") as out:
            out.write(evidence.PDF)
    hour_ago = time.time() - files.STALE_STAGED_SECONDS - 5
    os.utime(stale, (hour_ago, hour_ago))

    findings = files.audit_files(db.session, upload_dir)
    found = {(f.problem, f.attachment_id) for f in findings}
    assert found == {("refused", text.id), ("refused", hta.id), ("refused", bidi.id),
                     ("refused", served.id), ("row without file", missing.id),
                     ("bad stored name", bad.id), ("file without row", None)}
    assert {f.path for f in findings if f.attachment_id is None} == {orphan, stale}
    assert good.id not in {f.attachment_id for f in findings}
    reasons = {f.attachment_id: f.detail for f in findings}
    assert reasons[bidi.id] == "unsafe name"
    assert "not accepted" in reasons[hta.id]
    assert reasons[served.id] == f"served as {files.DOC}, the content is {files.XLS}"


def test_the_audit_of_a_clean_folder_finds_nothing(officer, upload_dir):
    save(evidence.PDF, "good.pdf", officer, upload_dir)
    db.session.commit()
    assert files.audit_files(db.session, upload_dir) == []
    assert files.audit_files(db.session, upload_dir + "-missing") != []


@pytest.fixture(autouse=True)
def english_messages(app):
    """These tests read the messages in English, the language of the msgids."""
    with force_locale("en"):
        yield
