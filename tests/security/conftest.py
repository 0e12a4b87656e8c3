"""Fixtures of the security tests (their counts are printed by tests/conftest.py)."""

import pytest


@pytest.fixture
def secure_app(make_app):
    """An app whose today is pinned to the world's dates, inside its app context."""
    from taskforce.extensions import db
    from tests.security.world import TODAY

    app = make_app(TODAY=TODAY)
    with app.app_context():
        yield app
        db.session.rollback()
