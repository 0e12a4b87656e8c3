"""The review's own chart (issue #16): its page, Word report and e-mail draw, as the dashboard
does, the projection of the plan's level-4 share indicator to each target date (dashed) and
its targets, from the review's snapshot only, so a past review never changes."""

from datetime import date

import pytest
from flask_babel import force_locale

from taskforce.extensions import db
from taskforce.models import Role
from taskforce.services import charts, plan_charts, plans, reviews
from tests import factories
from tests.services.test_review_indicators import DEC31, make_plan
from tests.services.test_reviews import WEEK, build_week, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("world")


def test_the_chart_data_holds_the_projection_frozen_in_the_snapshot():
    make_plan()
    expected = plan_charts.report_projection(plans.default_report(db.session, WEEK[1]))
    assert expected["points"] and expected["targets"] == [(DEC31, 0.5)]
    review = build_week()
    # Kept in the snapshot as JSON (ISO dates), drawn from it with dates.
    assert review.snapshot["projection"] == {
        key: [[day.isoformat(), value] for day, value in expected[key]]
        for key in ("points", "targets")}
    with force_locale("en"):
        data = reviews.chart_data(review)
    assert data["projection"] == expected
    assert data["labels"]["projected"] == "Projected"
    assert data["labels"]["plan_target"] == "Targets of the plan"
    # What the chart child is handed: the projection beside the points.
    spec = charts.trend_spec(**data)
    assert spec["projection"]["points"][-1][0] == "2020-12-31"
    assert spec["projection"]["targets"] == [["2020-12-31", 0.5]]


def test_the_drawn_chart_shows_the_projection_and_the_targets(app):
    make_plan()
    review = build_week()
    with force_locale("en"):
        svg = reviews.chart(review, "svg").decode()
    assert "Projected" in svg and "Targets of the plan" in svg and "12/2020" in svg


def test_it_comes_from_the_snapshot_only(world):  # noqa: F811
    plan = make_plan()
    review = build_week()
    db.session.commit()
    before = reviews.chart_data(review)
    # The plan and the catalog change afterwards: the dashboard's projection moves, the
    # review's does not.
    for _ in range(5):
        factories.service(world["a"], level=4, listed_on=date(2020, 1, 1))
    plan.indicators[0].milestones[0].target_value = 0.9
    db.session.commit()
    db.session.expire_all()
    now = plan_charts.report_projection(plans.default_report(db.session, WEEK[1]))
    assert now != before["projection"]
    stored = reviews.find_review(db.session, "weekly", *WEEK)
    assert reviews.chart_data(stored)["projection"] == before["projection"]
    # Changing the snapshot is what changes it.
    snapshot = dict(stored.snapshot)
    snapshot["projection"] = {"points": [["2020-10-11", 0.3], ["2020-12-31", 0.4]],
                              "targets": [["2020-12-31", 0.6]]}
    stored.snapshot = snapshot
    assert reviews.chart_data(stored)["projection"] == {
        "points": [(date(2020, 10, 11), 0.3), (DEC31, 0.4)], "targets": [(DEC31, 0.6)]}
    db.session.rollback()


def test_a_review_made_before_the_projection_was_kept_draws_as_it_did():
    make_plan()
    review = build_week()
    review.snapshot = {key: value for key, value in review.snapshot.items()
                       if key != "projection"}
    db.session.commit()
    assert reviews.chart_data(review)["projection"] is None
    assert "projection" not in charts.trend_spec(**reviews.chart_data(review))


def test_without_a_plan_there_is_no_projection():
    factories.user(Role.LEADER)
    review = build_week()
    assert review.snapshot["projection"] is None
    assert reviews.chart_data(review)["projection"] is None
