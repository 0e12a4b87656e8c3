"""Print what the security tests checked: routes × roles, forms fuzzed, examples run."""

import pytest

from tests.security import COUNTS

LINES = (
    ("routes × roles checked", "routes_roles"),
    ("forms fuzzed", "forms"),
    ("examples run", "examples"),
)
WORKER_KEY = "security_counts"


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker counts its own share; the controller adds them up.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_KEY] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    COUNTS.update(getattr(node, "workeroutput", {}).get(WORKER_KEY, {}))


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.write_sep("-", "security checks")
    for text, key in LINES:
        terminalreporter.write_line(f"{text}: {COUNTS[key]}")


@pytest.fixture
def secure_app(make_app):
    """An app whose today is pinned to the world's dates, inside its app context."""
    from taskforce.extensions import db
    from tests.security.world import TODAY

    app = make_app(TODAY=TODAY)
    with app.app_context():
        yield app
        db.session.rollback()
