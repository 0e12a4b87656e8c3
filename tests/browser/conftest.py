"""Browser tests: the app served on a free local port, driven by Debian's Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "demo12345"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    reason = (f"Chromium is missing at {CHROMIUM}: the browser tests did NOT run. "
              "Install it with `apt-get install chromium` (make test does when it can).")
    for item in items:
        if "tests/browser" in str(item.fspath):
            if os.environ.get("REQUIRE_BROWSER"):
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The application in a subprocess, with its own instance folder and database."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "TASKFORCE_INSTANCE": str(tmp), "SCHEDULER_ENABLED": "0",
                    "DATABASE_URL": f"sqlite:///{tmp / 'browser.db'}",
                    "BASE_URL": self.url, "SECRET_KEY": "browser-tests-secret",
                    "FLASK_DEBUG": "0", "CLASS_SWITCH_ON": "2022-08-01",
                    # The journeys plan reminders for a working day and send them at the
                    # wall clock, whatever the weekday the tests run on.
                    "MAIL_HOLD_ON_DAYS_OFF": "0"}
        self.env.pop("TEST_DATABASE_URL", None)
        self.process = None

    def flask(self, *args, check=True):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],
                              cwd=ROOT, env=self.env, check=check, capture_output=True,
                              text=True, timeout=300)

    def start(self):
        self.flask("db", "upgrade")
        self.flask("demo", "load")
        self.log = open(self.tmp / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-reload"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the app server did not start: " + (self.tmp / "server.log")
                           .read_text())

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("browser")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watch:
    """What a page did that it should not: requests to other hosts, console errors."""

    def __init__(self):
        self.foreign = []
        self.errors = []

    def attach(self, page):
        page.on("request", self.on_request)
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != "127.0.0.1":
            self.foreign.append(request.url)

    def check(self):
        assert self.foreign == [], f"requests outside 127.0.0.1: {self.foreign}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture
def watch():
    return Watch()


@pytest.fixture
def make_page(browser, server, watch):
    """New pages (each its own browser context: its own cookies) watched for bad requests."""
    contexts = []

    def make(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      base_url=server.url, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        watch.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()
    watch.check()


@pytest.fixture
def page(make_page):
    return make_page()


def shot(page, name):
    """Save a screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, email, password=PASSWORD):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # The dashboard's load waits on its two charts, which matplotlib draws on request (the first
    # draw in the server imports it): 15 s is too tight for that on a heavily loaded machine.
    page.wait_for_load_state(timeout=45000)
