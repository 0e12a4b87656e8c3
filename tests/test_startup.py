"""A process that imports the application starts without the heavy libraries.

Charts (matplotlib, numpy), Word (python-docx), Excel (openpyxl), migrations (Alembic) and the
scheduler's threads (APScheduler's schedulers) are imported by the process that uses them, so
``flask reminders run``, every other command and each web worker start fast and small.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "docx", "openpyxl", "alembic", "flask_migrate",
         "apscheduler.schedulers", "icalendar", "segno", "email_validator")


def imported_modules(code):
    """The modules ``code`` imports in a fresh interpreter, read from ``-X importtime``."""
    env = {**os.environ, "SCHEDULER_ENABLED": "0", "TASKFORCE_ENV": "development"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    assert lines, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def heavy_among(modules):
    return sorted(name for name in modules
                  if any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY))


def test_importing_the_application_imports_no_heavy_library():
    modules = imported_modules("import app")
    assert "taskforce.web.tasks.routes" in modules  # the whole application was loaded
    assert heavy_among(modules) == []


def test_the_check_sees_a_heavy_library_when_one_is_imported():
    modules = imported_modules("import app, taskforce.services.charts as c; c._matplotlib()")
    assert {"matplotlib", "numpy"} <= set(heavy_among(modules))


def test_flask_db_loads_the_migrations_when_it_is_run(tmp_path):
    env = {**os.environ, "SCHEDULER_ENABLED": "0", "TASKFORCE_ENV": "development",
           "TASKFORCE_INSTANCE": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    listed = subprocess.run([*flask, "--help"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=True).stdout
    assert "Perform database migrations." in listed
    upgraded = subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
    assert upgraded.returncode == 0, upgraded.stderr[-2000:]
    current = subprocess.run([*flask, "db", "current"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120, check=True).stdout
    assert "(head)" in current
