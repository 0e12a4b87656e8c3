"""The one SQL statement counter, the count_queries fixture, counts; no test writes its own."""

from pathlib import Path

import sqlalchemy as sa

from taskforce.extensions import db

TESTS = Path(__file__).resolve().parent
EVENT = "before_cursor_execute"


def test_it_counts_the_statements_of_its_block(app, count_queries):
    with count_queries() as queries:
        db.session.execute(sa.text("SELECT 1"))
        db.session.execute(sa.text("SELECT 2"))
    assert queries.count == 2
    assert [s.strip() for s in queries.statements] == ["SELECT 1", "SELECT 2"]


def test_it_stops_counting_when_its_block_ends(app, count_queries):
    with count_queries() as queries:
        pass
    db.session.execute(sa.text("SELECT 1"))
    assert queries.count == 0


def test_no_test_listens_for_statements_itself():
    listeners = [str(path.relative_to(TESTS)) for path in TESTS.rglob("*.py")
                 if path not in (TESTS / "conftest.py", Path(__file__).resolve())
                 and EVENT in path.read_text(encoding="utf-8")]
    assert not listeners, f"use the count_queries fixture of tests/conftest.py: {listeners}"
