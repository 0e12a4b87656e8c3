"""A process that imports the application starts without the heavy libraries.

Charts (matplotlib, numpy), Word (python-docx), Excel (openpyxl), migrations (Alembic), the
scheduler's threads (APScheduler's schedulers) and the JSON API's stack (flask-smorest,
marshmallow, webargs, apispec, PyYAML) are imported by the process that uses them, so
``flask reminders run``, every other command and each web worker start fast and small.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "numpy", "docx", "openpyxl", "alembic", "flask_migrate",
         "apscheduler.schedulers", "icalendar", "segno", "email_validator",
         "flask_smorest", "marshmallow", "webargs", "apispec", "yaml")


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


def test_a_command_imports_its_own_module_only(tmp_path):
    env = {**os.environ, "SCHEDULER_ENABLED": "0", "TASKFORCE_ENV": "development",
           "TASKFORCE_INSTANCE": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = ("import sys\nfrom flask.cli import main\n"
            "sys.argv = ['flask', '--app', 'app', 'reminders', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('taskforce.cli.')))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert "Plan deadline reminders" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "['taskforce.cli.reminders']"


# Made with the application, then used at the first request under /api/v1: the API answers as
# it does when mounted at start (the tests' way), pages before it do not load it.
FIRST_USE = """
import json, sys
import app
from taskforce import create_app

client = app.app.test_client()
assert client.get("/").status_code in (200, 302)
assert "flask_smorest" not in sys.modules
first = client.get("/api/v1/openapi.json")
unauthenticated = client.get("/api/v1/tasks")
eager = create_app(API_AT_START=True).test_client().get("/api/v1/openapi.json")
print(json.dumps({"same": first.get_json() == eager.get_json(), "status": first.status_code,
                  "tasks": [unauthenticated.status_code, unauthenticated.mimetype],
                  "rules": len(list(app.app.url_map.iter_rules()))
                  == len(list(create_app(API_AT_START=True).url_map.iter_rules()))}))
"""


def test_the_api_is_mounted_at_its_first_request(tmp_path):
    env = {**os.environ, "SCHEDULER_ENABLED": "0", "TASKFORCE_ENV": "development",
           "TASKFORCE_INSTANCE": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/t.db"}
    env.pop("API_AT_START", None)
    done = subprocess.run([sys.executable, "-c", FIRST_USE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "same": True, "status": 200, "tasks": [401, "application/problem+json"], "rules": True}
