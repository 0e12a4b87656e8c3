"""Fixtures: a migrated database (SQLite or PostgreSQL), the app, clients and log-in."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade

from config import TestingConfig
from taskforce import create_app
from taskforce.extensions import db
from tests import factories

ROLES = ("admin", "leader", "member", "unit_officer", "viewer")


def _worker():
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root):
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_root / 'test.db'}"
    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)
                             if base.startswith("postgresql://") else base)
    name = f"{url.database}_{_worker()}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url():
    """A database migrated once for the whole run, by the migrations alone."""
    tmp_root = Path(tempfile.mkdtemp(prefix=f"taskforce-{_worker()}-"))
    url = _database_url(tmp_root)
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, INSTANCE_DIR=str(tmp_root))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def clean_database():
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database; every row is removed after the test."""
    apps = []

    def build(**overrides):
        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "MAIL_OUTBOX_DIR": str(tmp_path / "mail"),
            "SERVER_NAME": "localhost",
        }
        settings.update(overrides)
        app = create_app(TestingConfig, **settings)

        def fresh_globals():
            # Tests keep an app context open, which Flask reuses for requests; start each
            # request with empty globals as a real server would (Flask-Login caches there).
            for name in list(vars(g)):
                if name != "request_id":
                    delattr(g, name)

        # First of all hooks, so none of them sees the previous request's user.
        app.before_request_funcs.setdefault(None, []).insert(0, fresh_globals)

        apps.append(app)
        return app

    yield build
    if apps:
        with apps[0].app_context():
            db.session.rollback()
            clean_database()
        for app in apps:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Queries:
    """The SQL statements sent while a ``count_queries()`` block ran."""

    def __init__(self):
        self.statements = []

    @property
    def count(self):
        return len(self.statements)


@contextmanager
def _counting():
    queries = Queries()

    def record(_conn, _cursor, statement, *_args):
        queries.statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield queries
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


@pytest.fixture
def count_queries():
    """Count the SQL statements of a block: ``with count_queries() as q: ...`` then ``q.count``.

    The block runs in the current app's context; the statements are in ``q.statements``.
    """
    return _counting


@pytest.fixture
def login_as(app, client):
    """Create a user of ``role`` (with a unit for unit officers) and log the client in."""

    def login(role, **kw):
        if role == "unit_officer" and "unit" not in kw:
            kw["unit"] = factories.unit()
        user = factories.user(role=role, **kw)
        db.session.commit()
        response = client.post("/login", data={"email": user.email,
                                               "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


# What the security tests checked, printed at the end of the run. The hooks live here, in the
# root conftest, because the pytest-xdist controller loads only this one.
from tests.security import COUNTS  # noqa: E402

LINES = (
    ("routes × roles checked", "routes_roles"),
    ("forms fuzzed", "forms"),
    ("examples run", "examples"),
    ("requests made", "requests"),
)
WORKER_KEY = "security_counts"


def pytest_sessionfinish(session):
    # Under pytest-xdist each worker counts its own share; the controller adds them up.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_KEY] = dict(COUNTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for key, value in getattr(node, "workeroutput", {}).get(WORKER_KEY, {}).items():
        COUNTS[key] = COUNTS.get(key, 0) + value


def pytest_terminal_summary(terminalreporter):
    if not COUNTS:
        return
    terminalreporter.write_sep("-", "security checks")
    for text, key in LINES:
        terminalreporter.write_line(f"{text}: {COUNTS.get(key, 0)}")
    statuses = sorted((key.split()[1], value) for key, value in COUNTS.items()
                      if key.startswith("status "))
    if statuses:
        terminalreporter.write_line("answers by status: " + ", ".join(
            f"{status}: {count}" for status, count in statuses))
