"""Reviews: the list, one stored review, building one, e-mailing it, its downloads."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from taskforce.extensions import db
from taskforce.models import Review
from taskforce.permissions import get_or_404, require
from taskforce.services import (
    clock,
    exports,
    reminder_letters,
    review_exports,
    review_mail,
    reviews,
)
from taskforce.web.reviews import bp
from taskforce.web.reviews.forms import BuildForm, LetterForm, SendForm
from taskforce.web.submit import submit
from taskforce.web.utils import paginate

# An SVG may style itself but never run or fetch anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@bp.route("/reviews")
@require("reviews.view")
def index():
    kind = request.args.get("kind", "")
    return render_template("reviews/index.html", page=paginate(db, reviews.search(kind)),
                           kind=kind)


@bp.route("/reviews/<int:review_id>")
@require("reviews.view")
def detail(review_id):
    review = get_or_404(Review, review_id)
    return render_template("reviews/detail.html", review=review,
                           s=reviews.readable(review.snapshot),
                           title=reviews.review_title(review), send_form=SendForm(),
                           letter_form=LetterForm())


def _build(form):
    """Build the review of the form's period (or find it built), and e-mail it when asked."""
    now = clock.now()
    review, made = reviews.build_or_get(
        db.session, kind=form.kind.data, start=form.start.data, end=form.end.data,
        actor=current_user, now=now, today=clock.today(), number=form.number.data)
    queued = review_mail.send_review(db.session, review, now=now, actor=current_user) \
        if form.send.data else None
    return review, made, queued


def _built(result):
    _review, made, _queued = result
    return _("The review has been built.") if made else \
        _("This period has been reviewed already; here is that review.")


@bp.route("/reviews/new", methods=["GET", "POST"])
@require("reviews.build")
def build():
    form = BuildForm()
    built = submit(lambda: _build(form), _built, form=form)
    if not built.ok:
        return render_template("reviews/build.html", form=form)
    review, _made, queued = built.value
    if queued is not None:
        flash(_("%(count)s e-mails queued.", count=queued), "info")
    return redirect(url_for("reviews.detail", review_id=review.id))


def _queued(count):
    return _("%(count)s e-mails queued.", count=count) if count else \
        _("Everyone has been sent this review already.")


@bp.route("/reviews/<int:review_id>/send", methods=["POST"])
@require("reviews.build")
def send(review_id):
    review = get_or_404(Review, review_id)
    if SendForm().validate_on_submit():
        submit(lambda: review_mail.send_review(db.session, review, now=clock.now(),
                                               actor=current_user), _queued)
    return redirect(url_for("reviews.detail", review_id=review.id))


@bp.route("/reviews/<int:review_id>/letter", methods=["POST"])
@require("reviews.letter")
def letter(review_id):
    """The reminder letter (công văn đôn đốc) to the review's lagging units, numbered, as .docx."""
    review = get_or_404(Review, review_id)
    made = submit(lambda: reminder_letters.make_letter(
        db.session, review, actor=current_user, today=clock.today(), now=clock.now()),
        category="warning") if LetterForm().validate_on_submit() else None
    if made is None or not made.ok:
        return redirect(url_for("reviews.detail", review_id=review.id))
    return Response(made.value.data, mimetype=review_exports.DOCX_MIMETYPE, headers={
        "Content-Disposition": exports.disposition(made.value.file_name)})


@bp.route("/reviews/<int:review_id>/trend.svg")
@require("reviews.view")
def trend(review_id):
    review = get_or_404(Review, review_id)
    response = Response(reviews.chart(review, "svg"), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _download(data, mimetype, review, extension):
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": exports.disposition(review_exports.file_name(review, extension))})


@bp.route("/reviews/<int:review_id>/review.xlsx")
@require("reviews.view")
def export_xlsx(review_id):
    review = get_or_404(Review, review_id)
    return _download(review_exports.workbook_of(db.session, review), exports.XLSX_MIMETYPE,
                     review, "xlsx")


@bp.route("/reviews/<int:review_id>/report.docx")
@require("reviews.view")
def export_docx(review_id):
    review = get_or_404(Review, review_id)
    return _download(review_exports.report_of(db.session, review),
                     review_exports.DOCX_MIMETYPE, review, "docx")
