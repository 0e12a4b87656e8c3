"""Reviews by e-mail: one message per reader in their language, the trend chart inline, the
review's workbook (.xlsx) and Word report (.docx) attached.

Each message's HTML shows the chart as ``<img src="cid:CHART_CID">``; the PNG and the two
files are made again from the stored snapshot when the message is built, so the outbox keeps
no copy (the snapshot never changes, so neither do they).
"""

import hashlib
import json
import threading
from collections import OrderedDict

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from taskforce.models import Member, OutboxState, Review, Role, User
from taskforce.services import audit, exports, indicator_words, review_exports, reviews
from taskforce.services.mail import outbox

MAIL_KIND = "review"
CHART_CID = "trend-chart@taskforce"


def recipients(session):
    """``[(email, user_id, locale)]``: the leadership's accounts and the roster's members."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    users = session.execute(select(User.id, User.email, User.locale, User.role)
                            .where(User.active.is_(True))).all()
    by_email = {row.email.lower(): row for row in users}
    emails = [row.email for row in users if row.role == Role.LEADER]
    emails += session.scalars(select(Member.email).where(
        Member.active.is_(True), Member.email.is_not(None), Member.email != "")
        .order_by(Member.display_order, Member.id)).all()
    found, seen = [], set()
    for email in emails:
        key = email.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        user = by_email.get(key)
        found.append((key, user.id if user else None,
                      (user.locale if user and user.locale else default)))
    return found


def review_link(review):
    """The address of the review's page, for e-mails."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/reviews/{review.id}"


def dedupe_key(review, email):
    """The outbox key of ``review`` sent to ``email``; one message each, ever."""
    key = f"{MAIL_KIND}:{review.id}:{email}"
    if len(key) > 255:
        key = f"{MAIL_KIND}:{review.id}:{hashlib.sha256(email.encode()).hexdigest()}"
    return key


def _render(review, locale):
    with force_locale(locale):
        context = {"review": review, "s": reviews.readable(review.snapshot),
                   "title": reviews.review_title(review),
                   "link": review_link(review), "chart_cid": CHART_CID,
                   "status_word": indicator_words.status_word,
                   "pace_text": indicator_words.pace_text}
        return (reviews.review_title(review), render_template("emails/review.txt", **context),
                render_template("emails/review.html", **context))


def send_review(session, review, *, now, actor=None):
    """Queue the review in the outbox for the leadership and the members; the number queued.

    Each recipient gets it once: sending again, or from two processes, adds nothing.
    """
    rendered = {}
    rows = []
    for email, user_id, locale in recipients(session):
        if locale not in rendered:
            rendered[locale] = _render(review, locale)
        subject, text, html = rendered[locale]
        rows.append({"dedupe_key": dedupe_key(review, email), "kind": MAIL_KIND,
                     "recipient": email, "recipient_user_id": user_id, "locale": locale,
                     "subject": subject[:500], "body_text": text, "body_html": html,
                     "state": OutboxState.PENDING, "attempts": 0, "next_attempt_at": now,
                     "created_at": now})
    made = outbox.queue(session, rows)
    if made and actor is not None:
        audit.record(session, actor, "review.send", review, now=now, summary=str(made))
    return made


# The chart, drawn again for each message ------------------------------------------------------

def chart_png(session, review_id, locale=None):
    """The PNG trend chart of review ``review_id`` in ``locale``, or None if there is none."""
    review = session.get(Review, review_id)
    if review is None:
        return None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return reviews.chart(review, "png")


def review_id_of(message):
    """The review an outbox message of kind "review" carries, from its dedupe key."""
    prefix, _sep, rest = message.dedupe_key.partition(":")
    ident = rest.partition(":")[0]
    return int(ident) if prefix == MAIL_KIND and ident.isdigit() else None


@outbox.provides_images(MAIL_KIND)
def inline_images(session, message):
    """``[(CHART_CID, png_bytes)]``: the review's chart, which the message's HTML shows."""
    review_id = review_id_of(message) if message.kind == MAIL_KIND else None
    png = chart_png(session, review_id, message.locale) if review_id else None
    return [(CHART_CID, png)] if png else []


@outbox.provides_attachments(MAIL_KIND)
def attached_files(session, message):
    """``[(name, mimetype, bytes)]``: the review's .xlsx in the reader's language and its Word
    report (in Vietnamese, as the report page gives it), made from the snapshot."""
    review_id = review_id_of(message) if message.kind == MAIL_KIND else None
    review = session.get(Review, review_id) if review_id else None
    if review is None:
        return []
    return review_files(session, review, message.locale)


# The files this process made last: a review goes to every reader within minutes and its
# snapshot never changes, so each reader's language costs one workbook and the report one file.
# The key holds all they are made from (the snapshot and the report's settings).
_MADE = OrderedDict()
_MADE_LOCK = threading.Lock()
KEPT_FILES = 4


def review_files(session, review, locale=None):
    """The review's workbook and Word report as attachments."""
    locale = locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    made_from = json.dumps([review.id, review.kind, str(review.period_start),
                            str(review.period_end), review.number, review.snapshot, locale,
                            review_exports.report_header(session)], sort_keys=True, default=str)
    key = hashlib.sha256(made_from.encode()).hexdigest()
    with _MADE_LOCK:
        if key in _MADE:
            _MADE.move_to_end(key)
            return list(_MADE[key])
    with force_locale(locale):
        xlsx = review_exports.workbook_of(session, review)
    docx = review_exports.report_of(session, review)
    files = ((review_exports.file_name(review, "xlsx"), exports.XLSX_MIMETYPE, xlsx),
             (review_exports.file_name(review, "docx"), review_exports.DOCX_MIMETYPE, docx))
    with _MADE_LOCK:
        _MADE[key] = files
        while len(_MADE) > KEPT_FILES:
            _MADE.popitem(last=False)
    return list(files)
