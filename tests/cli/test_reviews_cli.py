"""``flask reviews build`` and ``flask scheduler``: the commands behind the scheduled work."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import OutboxMessage, Position, Review
from tests import factories


@pytest.fixture
def catalog(app):
    unit = factories.unit("Sở Tư pháp")
    factories.service(unit, level=4, listed_on=date(2020, 1, 1))
    factories.service(unit, level=3, listed_on=date(2020, 1, 1))
    factories.member("Hà Văn Tiến", position=Position.PERMANENT_DEPUTY,
                     email="tien@backan.gov.vn")
    db.session.commit()


def reviews():
    db.session.expire_all()
    return db.session.scalars(select(Review).order_by(Review.id)).all()


def test_a_weekly_review_of_the_week_before(runner, catalog):
    result = runner.invoke(args=["reviews", "build", "--kind", "weekly", "--today", "2020-10-14"])
    assert result.exit_code == 0, result.output
    assert "built: weekly 05/10/2020–11/10/2020" in result.output
    assert "1 of 2 services at level 4 verified (50.00%)" in result.output
    (review,) = reviews()
    assert review.snapshot["issued_on"] == "2020-10-14"
    again = runner.invoke(args=["reviews", "build", "--today", "2020-10-12"])
    assert "already made" in again.output
    assert len(reviews()) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_a_monthly_or_custom_review_and_sending_it(runner, catalog):
    monthly = runner.invoke(args=["reviews", "build", "--kind", "monthly", "--today",
                                  "2020-11-01", "--send"])
    assert monthly.exit_code == 0, monthly.output
    assert "monthly 01/10/2020–31/10/2020" in monthly.output
    assert "1 e-mails queued" in monthly.output
    custom = runner.invoke(args=["reviews", "build", "--kind", "custom", "--from", "2020-10-01",
                                 "--to", "2020-10-20", "--number", "12"])
    assert custom.exit_code == 0, custom.output
    assert [(r.kind, r.number) for r in reviews()] == [("monthly", None), ("custom", "12")]


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "custom"], "needs --from and --to"),
    (["--kind", "custom", "--from", "2020-10-01"], "both --from and --to"),
    (["--kind", "weekly", "--from", "2020-10-06", "--to", "2020-10-12"], "Monday to Sunday"),
    (["--kind", "custom", "--from", "2020-10-09", "--to", "2020-10-01"], "must not end"),
    (["--kind", "yearly"], "Invalid value for '--kind'"),
    (["--from", "01/10/2020", "--to", "2020-10-05"], "Invalid value for '--from'"),
])
def test_refused_arguments_say_why_and_build_nothing(runner, catalog, args, message):
    with force_locale("en"):
        result = runner.invoke(args=["reviews", "build", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert reviews() == []


def test_the_scheduler_command_is_there(runner):
    result = runner.invoke(args=["scheduler", "--help"])
    assert result.exit_code == 0
    assert "lease" in result.output
