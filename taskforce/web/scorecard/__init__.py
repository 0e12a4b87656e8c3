"""The 766 scorecard pages: a period's table, the import with its preview, a unit's task."""

from flask import Blueprint

from taskforce.services import scorecard

bp = Blueprint("scorecard", __name__)

from taskforce.web.scorecard import routes  # noqa: E402,F401


@bp.app_context_processor
def scorecard_words():
    """A group's and a period's words in the reader's language, for every page (a review's
    section keeps only their codes)."""
    return {"score_group": scorecard.group_label,
            "score_period": lambda label: scorecard.parse_period(label).words}
