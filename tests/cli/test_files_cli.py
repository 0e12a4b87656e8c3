"""``flask files audit``: silent and 0 on a clean folder, a list and 1 otherwise."""

import os

from taskforce.extensions import db
from taskforce.models import Attachment
from tests import evidence


def _row(app, name, data, content_type):
    attachment = Attachment(original_name=name, stored_name=os.urandom(16).hex(),
                            content_type=content_type, size=len(data))
    db.session.add(attachment)
    db.session.commit()
    folder = app.config["UPLOAD_DIR"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, attachment.stored_name), "wb") as out:
        out.write(data)
    return attachment


def test_a_clean_folder_passes(app, runner):
    _row(app, "bien-ban.pdf", evidence.PDF, "application/pdf")
    result = runner.invoke(args=["files", "audit"])
    assert result.exit_code == 0, result.output
    assert "passes the upload policy" in result.output


def test_refused_files_and_orphans_are_listed_and_fail(app, runner):
    _row(app, "bien-ban.pdf", evidence.PDF, "application/pdf")
    refused = _row(app, "setup.js", evidence.TEXT, "text/plain")
    gone = _row(app, "mat.pdf", evidence.PDF, "application/pdf")
    os.remove(os.path.join(app.config["UPLOAD_DIR"], gone.stored_name))
    orphan = os.path.join(app.config["UPLOAD_DIR"], "0" * 32)
    with open(orphan, "wb") as out:
        out.write(evidence.PDF)
    result = runner.invoke(args=["files", "audit"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3, lines
    assert any(line.startswith("refused: ") and f"attachment {refused.id} ('setup.js')" in line
               for line in lines)
    assert any(line.startswith("row without file: ") and f"attachment {gone.id}" in line
               for line in lines)
    assert f"file without row: {orphan}" in lines
    assert "3 problem(s) found" in result.stderr
