"""An uploaded sheet kept between its preview and its confirmation.

Every import (the catalog and the usage, the scorecard, the reorganisations) shows a preview
first. The file waits in the instance folder under a random token, which the confirmation
form carries back; confirming takes it (reads and removes it), so a file is imported once,
and a file left unconfirmed for a day is thrown away by a later upload.
"""

import contextlib
import os
import re
import secrets
import time

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext as _

# The token that names a kept file, as the confirmation forms check it.
TOKEN = r"^[0-9a-f]{32}\.(xlsx|csv|json)$"  # noqa: S105 - a file name's pattern, no secret
# A file waits this long for its confirmation.
KEEP_SECONDS = 24 * 3600


def _folder():
    return os.path.join(current_app.config["INSTANCE_DIR"], "imports")


def _forget_old(folder):
    cutoff = time.time() - KEEP_SECONDS
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if re.match(TOKEN, name) and os.path.getmtime(path) < cutoff:
            with contextlib.suppress(FileNotFoundError):  # another request took it first
                os.remove(path)


def keep(data, filename):
    """Keep an uploaded file until it is confirmed; return the token that names it."""
    folder = _folder()
    os.makedirs(folder, exist_ok=True)
    _forget_old(folder)
    token = "{}.{}".format(secrets.token_hex(16), filename.rsplit(".", 1)[-1].lower())
    with open(os.path.join(folder, token), "xb") as out:
        out.write(data)
    return token


def take(token):
    """The kept file's bytes, removed so that it is imported once; or None."""
    if not re.match(TOKEN, token or ""):
        return None
    path = os.path.join(_folder(), token)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        os.remove(path)
    except FileNotFoundError:
        return None
    return data


def take_confirmed(form, upload_endpoint):
    """``(data, None)`` for a valid confirmation ``form`` whose file still waits, else
    ``(None, response)``: a redirect to the upload page with a warning that says why."""
    data = take(form.token.data) if form.validate_on_submit() else None
    if data is not None:
        return data, None
    flash(_("This file is no longer waiting for confirmation: it was imported already, or "
            "its preview is more than a day old. Upload it again."), "warning")
    return None, redirect(url_for(upload_endpoint))
