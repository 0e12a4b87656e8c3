"""Evidence files: the allowed types, checked by name and content, stored once committed.

An upload is written to a staging folder beside the files; the session's commit moves it in
under its generated name, and a rollback (or a session closed without a commit) removes it.
Every caller (web, CLI, jobs) gets this from the session events at the end of this module.
"""

import contextlib
import io
import logging
import os
import re
import secrets
import time
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session
from werkzeug.utils import secure_filename

from taskforce import permissions
from taskforce.models import Attachment, LevelChange
from taskforce.services import audit
from taskforce.services.errors import DomainError, NotFound

log = logging.getLogger(__name__)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"

# The allow-list: an extension and the type its content must be sniffed as. What offices
# exchange as evidence (scans, screenshots, reports, lists); nothing a browser or Windows
# runs or renders as a page (no HTML, SVG, scripts), and no CSV, which Excel opens as formulas.
ALLOWED = {
    "pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "gif": GIF, "webp": WEBP,
    "docx": DOCX, "xlsx": XLSX, "odt": ODT, "ods": ODS, "doc": DOC, "xls": XLS,
}
ALLOWED_TEXT = ", ".join(f".{ext}" for ext in ALLOWED)
ACCEPT = ",".join(f".{ext}" for ext in ALLOWED)

_SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office Open XML: the main part that makes the type, and the members only the
# macro-enabled variants (.docm, .xlsm) carry.
_OOXML_MAIN = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_OOXML_MACROS = re.compile(r"(^|/)vbaProject\.bin$|^xl/macrosheets/", re.IGNORECASE)
_ODF_TYPES = {ODT.encode(): ODT, ODS.encode(): ODS}
_ODF_MACROS = ("Basic/", "Scripts/")
# OLE2 (Office 97-2003): a Word file holds a WordDocument stream, an Excel file a Workbook
# (or, before Excel 97, a Book) stream; a file with both, or with neither (an installer, a
# slide deck, a mail), is no document we accept. Macros live in these storages.
_OLE_WORD = "WordDocument"
_OLE_EXCEL = ("Workbook", "Book")
_OLE_MACROS = ("Macros", "_VBA_PROJECT_CUR")
MACROS = "macros"

# Characters a file name shown to people must not carry: controls, format characters (the
# bidirectional overrides that make "fdp.exe" read as "exe.pdf", zero-width marks),
# surrogates, private and unassigned code points, line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Characters Windows does not allow in a name, or that make it a path.
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*]+')
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
                              *(f"LPT{n}" for n in range(1, 10))})
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
STAGING = ".staging"
_PENDING = "taskforce.files.pending"


# Sniffing -------------------------------------------------------------------------------------

def _office_open_xml(names):
    if "[Content_Types].xml" not in names:
        return None
    kinds = {kind for member, kind in _OOXML_MAIN.items() if member in names}
    if len(kinds) != 1:
        return None
    if any(_OOXML_MACROS.search(name) for name in names):
        return MACROS
    return kinds.pop()


def _open_document(archive, names):
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return None
    if info.file_size > 100 or "content.xml" not in names:
        return None
    kind = _ODF_TYPES.get(archive.read(info).strip())
    if kind is not None and any(n.startswith(_ODF_MACROS) for n in names):
        return MACROS
    return kind


def _zip_kind(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            return _office_open_xml(names) or _open_document(archive, names)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError):
        return None


def _ole_kind(data):
    import olefile  # imported by the upload that needs it, not by every process

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            is_word = ole.exists(_OLE_WORD)
            is_excel = any(ole.exists(name) for name in _OLE_EXCEL)
            has_macros = any(ole.exists(name) for name in _OLE_MACROS)
    except Exception:  # olefile fails in many ways on hostile bytes: none is a document
        return None
    if is_word == is_excel:
        return None
    if has_macros:
        return MACROS
    return DOC if is_word else XLS


def sniff(data):
    """The allowed content type of ``data`` judged by its bytes; MACROS; or None."""
    for magic, content_type in _SIGNATURES:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.startswith(_OLE2):
        return _ole_kind(data)
    return None


# Names ----------------------------------------------------------------------------------------

def _visible_characters(name):
    # Every kind of space or line break becomes one plain space; the rest of the dropped
    # categories go.
    kept = "".join(" " if ch.isspace() else ch for ch in name
                   if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    return " ".join(kept.split())


def display_name(filename):
    """The uploaded file's name fit to show and to offer on download.

    NFC, no path, no control or bidirectional characters, no characters Windows refuses,
    no trailing dots or spaces (Windows drops them, changing the extension), no device name.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_NAME.sub("_", _visible_characters(name)).strip(" .")
    if not name:
        name = secure_filename(filename or "") or "evidence"
    if name.split(".")[0].strip().upper() in _WINDOWS_DEVICES:
        name = "_" + name
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name


def extension(name):
    """The last extension of ``name``, lower case, without the dot ('' when none)."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def check_kind(name, data):
    """The content type of the file ``name`` holding ``data``, or a DomainError saying why not.

    The name's last extension must be in the allow-list, and the content sniffed as the type
    of that extension: a PDF named .exe, text named .js, a Word file named .xls are refused.
    """
    ext = extension(name)
    if ext not in ALLOWED:
        raise DomainError(_("This kind of file is not accepted: %(name)s. Accepted types: "
                            "%(types)s.", name=name, types=ALLOWED_TEXT), field="evidence")
    kind = sniff(data)
    if kind == MACROS:
        raise DomainError(_("This kind of file is not accepted: %(name)s contains macros. Save "
                            "it without macros, or as a PDF. Accepted types: %(types)s.",
                            name=name, types=ALLOWED_TEXT), field="evidence")
    if kind != ALLOWED[ext]:
        raise DomainError(_("This kind of file is not accepted: the content of %(name)s is not "
                            "a .%(ext)s file. Accepted types: %(types)s.", name=name, ext=ext,
                            types=ALLOWED_TEXT), field="evidence")
    return kind


# Storing --------------------------------------------------------------------------------------

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
    """Check an uploaded file by its name, content and size, and record an Attachment.

    The file reaches ``upload_dir`` when the session commits, and never if it rolls back.
    """
    data = _read_limited(storage, max_bytes)
    name = display_name(storage.filename)
    content_type = check_kind(name, data)
    attachment = Attachment(
        task_id=getattr(task, "id", None), service_id=getattr(service, "id", None),
        original_name=name, stored_name=secrets.token_hex(16), content_type=content_type,
        size=len(data), uploaded_by_id=getattr(actor, "id", None))
    session.add(attachment)
    session.flush()
    _stage(object_session(attachment), data, _path(attachment, upload_dir))
    owner = service if service is not None else task
    audit.record(session, actor, "attachment.upload", attachment, summary=name,
                 unit_id=getattr(owner, "unit_id", None))
    return attachment


@dataclass(frozen=True)
class _Staged:
    transaction: object
    staged: str
    final: str


def _stage(session, data, final):
    # ``session`` is the Session itself (not a scoped_session proxy): its transactions and
    # info are what the events below see.
    folder = os.path.join(os.path.dirname(final), STAGING)
    os.makedirs(folder, exist_ok=True)
    staged = os.path.join(folder, os.path.basename(final))
    with open(staged, "xb") as out:
        out.write(data)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append(_Staged(transaction, staged, final))


def _within(transaction, ended):
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _discard(session, ended=None):
    pending = session.info.get(_PENDING, [])
    gone = [s for s in pending if ended is None or _within(s.transaction, ended)]
    for staged in gone:
        pending.remove(staged)
        with contextlib.suppress(FileNotFoundError):
            os.remove(staged.staged)


@event.listens_for(Session, "after_commit")
def _publish_staged(session):
    """Move the files of the committed transaction in under their stored names."""
    for staged in session.info.pop(_PENDING, []):
        try:
            os.replace(staged.staged, staged.final)
        except OSError:
            # The row is committed: leave the staged copy for the operator; `flask files
            # audit` lists the row without its file.
            log.exception("evidence file %s could not be moved in", staged.staged)


@event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session, previous_transaction):
    """Remove the files staged in a transaction (or savepoint) that was rolled back."""
    _discard(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _discard_uncommitted(session, transaction):
    """Remove what is still staged when the session's outermost transaction ends uncommitted."""
    if transaction.parent is None:
        _discard(session)


# Reading --------------------------------------------------------------------------------------

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


def can_download(user, attachment):
    """Whether ``user`` may download ``attachment`` (the evidence rule of permissions)."""
    return permissions.can(user, "evidence.view", attachment)


def claims_with_visible_evidence(session, user, changes):
    """The ids of those of ``changes`` whose evidence (file and note) ``user`` may see."""
    ids = [c.id for c in changes if c.evidence_id is not None or c.evidence_note]
    if not ids:
        return set()
    return set(session.scalars(select(LevelChange.id).where(
        LevelChange.id.in_(ids), permissions.where(user, "evidence.view"))))


# Audit ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """A stored file the policy would refuse, or an orphan: a file or a row without the other."""

    problem: str
    path: str
    attachment_id: int | None = None
    name: str | None = None
    detail: str | None = None


STALE_STAGED_SECONDS = 3600


def _refusal(attachment, path):
    name = display_name(attachment.original_name)
    if name != attachment.original_name:
        return "unsafe name"
    with open(path, "rb") as stream:
        data = stream.read()
    try:
        kind = check_kind(name, data)
    except DomainError as error:
        return error.message
    if kind != attachment.content_type:
        return f"served as {attachment.content_type}, the content is {kind}"
    return None


def _row_findings(attachment, upload_dir):
    if not _STORED_NAME.match(attachment.stored_name or ""):
        return Finding("bad stored name", attachment.stored_name or "", attachment.id,
                       attachment.original_name)
    path = os.path.join(upload_dir, attachment.stored_name)
    if not os.path.isfile(path):
        return Finding("row without file", path, attachment.id, attachment.original_name)
    reason = _refusal(attachment, path)
    if reason is not None:
        return Finding("refused", path, attachment.id, attachment.original_name, reason)
    return None


def _orphan_files(upload_dir, known, now):
    if not os.path.isdir(upload_dir):
        return []
    found = [Finding("file without row", entry.path) for entry in os.scandir(upload_dir)
             if entry.is_file() and entry.name not in known]
    staging = os.path.join(upload_dir, STAGING)
    if os.path.isdir(staging):
        # A file staged less than an hour ago may belong to a request still running.
        found += [Finding("file without row", entry.path) for entry in os.scandir(staging)
                  if entry.is_file()
                  and now - entry.stat().st_mtime > STALE_STAGED_SECONDS]
    return sorted(found, key=lambda f: f.path)


def audit_files(session, upload_dir, *, now=None):
    """Stored files the policy would refuse now, rows without a file and files without a row."""
    findings, known = [], set()
    for attachment in session.scalars(select(Attachment).order_by(Attachment.id)
                                      .execution_options(yield_per=500)):
        known.add(attachment.stored_name)
        finding = _row_findings(attachment, upload_dir)
        if finding is not None:
            findings.append(finding)
    return findings + _orphan_files(upload_dir, known, time.time() if now is None else now)
