"""Evidence files: checking uploads by their content, storing them, opening them again."""

import io
import os
import re
import secrets
import unicodedata
import zipfile

from flask_babel import gettext as _
from sqlalchemy.orm import object_session
from werkzeug.utils import secure_filename

from taskforce import permissions
from taskforce.models import Attachment, StatusUpdate, Task
from taskforce.services import audit
from taskforce.services.errors import DomainError, NotFound

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
TEXT = "text/plain"
CSV = "text/csv"

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Characters a file name shown to people should not carry: paths, controls, shell-ish marks.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


def _office_open_xml(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _plain_text(data, filename):
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\f" for ch in text):
        return None
    return CSV if filename.lower().endswith(".csv") else TEXT


def sniff(data, filename=""):
    """The content type of ``data`` judged by its bytes, or None when it is not allowed."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data.startswith(_ZIP):
        return _office_open_xml(data)
    if data.startswith(_OLE2):
        return XLS if filename.lower().endswith(".xls") else DOC
    return _plain_text(data, filename)


def display_name(filename):
    """The uploaded file's name fit to show and to offer on download (NFC, no path)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    if not name:
        name = secure_filename(filename or "") or "evidence"
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name


def _read_limited(storage, max_bytes):
    data = storage.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DomainError(
            _("The file is too large: at most %(size)s MB.", size=_megabytes(max_bytes)),
            field="evidence")
    if not data:
        raise DomainError(_("The file is empty."), field="evidence")
    return data


def _megabytes(size):
    return f"{size / (1024 * 1024):g}"


def save_upload(session, storage, *, actor, upload_dir, max_bytes, task=None, service=None):
    """Check an uploaded file by its content and size, store it, and record an Attachment."""
    data = _read_limited(storage, max_bytes)
    name = display_name(storage.filename)
    content_type = sniff(data, name)
    if content_type is None:
        raise DomainError(
            _("This kind of file is not accepted. Upload a PDF, an image (PNG, JPEG, GIF), "
              "a Word or Excel document, or a plain text or CSV file."), field="evidence")
    attachment = Attachment(
        task_id=getattr(task, "id", None), service_id=getattr(service, "id", None),
        original_name=name, stored_name=secrets.token_hex(16), content_type=content_type,
        size=len(data), uploaded_by_id=getattr(actor, "id", None))
    session.add(attachment)
    session.flush()
    os.makedirs(upload_dir, exist_ok=True)
    with open(_path(attachment, upload_dir), "xb") as out:
        out.write(data)
    owner = service if service is not None else task
    audit.record(session, actor, "attachment.upload", attachment, summary=name,
                 unit_id=getattr(owner, "unit_id", None))
    return attachment


def _path(attachment, upload_dir):
    # The stored name is ours (random hex), but check it so a bad row cannot reach outside.
    if not _STORED_NAME.match(attachment.stored_name or ""):
        raise NotFound(_("The file cannot be found."))
    return os.path.join(upload_dir, attachment.stored_name)


def open_attachment(attachment, upload_dir):
    """The stored file of ``attachment``, opened for reading in binary mode."""
    try:
        return open(_path(attachment, upload_dir), "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise NotFound(_("The file cannot be found.")) from None


def _task_of(session, attachment):
    if attachment.task_id is not None:
        return session.get(Task, attachment.task_id)
    if attachment.update_id is not None:
        update = session.get(StatusUpdate, attachment.update_id)
        return update.task if update is not None else None
    return None


def can_download(user, attachment):
    """Whether ``user`` may download ``attachment``: task rules for a task's file, else catalog."""
    if attachment.task_id is None and attachment.update_id is None:
        return permissions.can(user, "catalog.view", attachment)
    task = _task_of(object_session(attachment), attachment)
    return task is not None and permissions.can(user, "tasks.view", task)
