"""Reviews by e-mail: one message per reader in their language, the chart drawn again."""

import pytest
from sqlalchemy import func, select

from taskforce.extensions import db
from taskforce.models import OutboxMessage
from taskforce.services import review_mail
from tests.services.test_reviews import NOW, build_week, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("world")


def test_sending_queues_one_message_per_person_once():
    review = build_week()
    assert review_mail.send_review(db.session, review, now=NOW) == 3
    db.session.commit()
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [(m.recipient, m.locale) for m in messages] == [
        ("hung@backan.gov.vn", "en"), ("pho@backan.gov.vn", "vi"), ("tien@backan.gov.vn", "vi")]
    english = messages[0]
    assert english.kind == "review" and english.state == "pending"
    assert english.dedupe_key == f"review:{review.id}:hung@backan.gov.vn"
    assert english.subject == "Weekly review 05/10/2020 – 11/10/2020"
    assert f"cid:{review_mail.CHART_CID}" in english.body_html
    assert f"/reviews/{review.id}" in english.body_text
    assert "3 / 11" in english.body_text
    assert review_mail.send_review(db.session, review, now=NOW) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 3


def test_the_chart_is_drawn_again_from_the_snapshot_for_the_mailer():
    review = build_week()
    review_mail.send_review(db.session, review, now=NOW)
    db.session.commit()
    message = db.session.scalars(select(OutboxMessage)).first()
    [(cid, png)] = review_mail.inline_images(db.session, message)
    assert cid == review_mail.CHART_CID and png.startswith(b"\x89PNG")
    assert review_mail.chart_png(db.session, review.id).startswith(b"\x89PNG")
    assert review_mail.chart_png(db.session, review.id + 1) is None
