"""/api/v1/indicators and /api/v1/reviews: a plan's indicators as of a date, the reviews,
one review and its Word and Excel files."""

from flask import Response
from flask_babel import gettext as _

from taskforce.api import schemas as s
from taskforce.api.base import api_blueprint, get_or_404, paged, read, refuse
from taskforce.api.views import action, endpoint
from taskforce.extensions import db
from taskforce.models import Review
from taskforce.services import clock, exports, plans, review_exports, reviews

bp = api_blueprint("api_reports", "Indicators of the plans, and the reviews.")

DOCX = review_exports.DOCX_MIMETYPE
XLSX = exports.XLSX_MIMETYPE


@endpoint(bp, "/indicators", "plans.view", query=s.IndicatorQuery, answer=s.IndicatorsOut)
def indicators(args):
    """A plan's indicators as of a date: value, target, projection, status, pace, per unit."""
    as_of = args["as_of"] or clock.today()
    plan = read(lambda: plans.by_code(db.session, args["plan"])) if args["plan"] \
        else plans.default_plan(db.session)
    if plan is None:
        refuse(404, _("There is no default plan."))
    report = plans.evaluate(db.session, plan, as_of)
    return {"as_of": as_of, **plans.as_json(report)}


@endpoint(bp, "/reviews", "reviews.view", query=s.ReviewQuery,
          answer=s.page_of(s.ReviewOut, "ReviewPage"))
def list_reviews(args):
    """The stored reviews, latest period first."""
    return paged(reviews.search(args["kind"]), dict(args))


@endpoint(bp, "/reviews/<int:review_id>", "reviews.view", answer=s.ReviewDetail)
def get_review(review_id):
    """One review with its snapshot of the figures."""
    return get_or_404(Review, review_id)


def _download(data, mimetype, review, extension):
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": exports.disposition(review_exports.file_name(review, extension))})


@bp.route("/reviews/<int:review_id>/xlsx")
@action("reviews.view")
@bp.response(200, content_type=XLSX, description="The review as an Excel workbook.")
def review_xlsx(review_id):
    """The review's workbook, as the review page gives it."""
    review = get_or_404(Review, review_id)
    return _download(review_exports.workbook_of(db.session, review), XLSX, review, "xlsx")


@bp.route("/reviews/<int:review_id>/docx")
@action("reviews.view")
@bp.response(200, content_type=DOCX, description="The review as a Word report.")
def review_docx(review_id):
    """The review's Word report (in Vietnamese, as an official report is), as the review page
    gives it."""
    review = get_or_404(Review, review_id)
    return _download(review_exports.report_of(db.session, review), DOCX, review, "docx")
