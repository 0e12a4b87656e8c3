"""The commands print in the operator's language: Vietnamese unless TASKFORCE_LOCALE says."""

import os
import subprocess
import sys
from pathlib import Path

from config import Config
from taskforce.cli import COMMANDS
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def test_vietnamese_is_the_default():
    env = {k: v for k, v in os.environ.items() if k != "TASKFORCE_LOCALE"}
    code = "from config import Config; print(Config.TASKFORCE_LOCALE)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    assert done.stdout.strip() == "vi"
    assert Config.TASKFORCE_LOCALE in ("vi", os.environ.get("TASKFORCE_LOCALE"))


def test_every_command_is_wrapped():
    def walk(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    unwrapped = [c.name for top in COMMANDS for c in walk(top)
                 if c.callback is not None and not getattr(c.callback, "in_language", False)]
    assert unwrapped == []


def test_a_command_speaks_vietnamese_its_texts_and_the_services_alike(app, runner):
    app.config["TASKFORCE_LOCALE"] = "vi"
    result = runner.invoke(args=["users", "create", "--email", "x@example.test", "--name", "X",
                                 "--role", "unit_officer", "--unit", "Nowhere",
                                 "--password", "long-enough-1"])
    assert "Không có đơn vị: Nowhere" in result.output
    result = runner.invoke(args=["users", "create", "--email", "broken", "--name", "X",
                                 "--password", "long-enough-1"])
    assert "Địa chỉ e-mail không hợp lệ." in result.output
    assert runner.invoke(args=["plans", "list"]).output.strip() == "Chưa có kế hoạch nào."
    factories.unit("Sở Tư pháp")
    made = runner.invoke(args=["users", "create", "--email", "a@example.test", "--name", "A",
                               "--role", "leader", "--password", "long-enough-1"])
    assert made.output.strip() == "Đã tạo a@example.test (leader)."


def test_and_english_when_the_operator_asks(app, runner):
    app.config["TASKFORCE_LOCALE"] = "en"
    assert runner.invoke(args=["plans", "list"]).output.strip() == "No plans yet."
    result = runner.invoke(args=["users", "create", "--email", "broken", "--name", "X",
                                 "--password", "long-enough-1"])
    assert "This is not a valid e-mail address." in result.output


def test_the_kpi_table_in_vietnamese(app, runner):
    app.config["TASKFORCE_LOCALE"] = "vi"
    lines = runner.invoke(args=["kpi", "--as-of", "2020-08-31"]).output.splitlines()
    assert lines[0].startswith("Tỷ lệ dịch vụ đạt mức độ 4 tính đến 2020-08-31")
    assert lines[1].startswith("Đơn vị") and "MĐ4 xác minh" in lines[1]
    assert lines[-1].startswith("Tỉnh")
