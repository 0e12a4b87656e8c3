"""Charts drawn by a child process and kept under the instance folder.

A web worker or the scheduler never imports matplotlib: the chart's data goes to a
``python charts.py`` child, and the bytes are kept under a hash of the data, so the same chart
is drawn once. The child must draw exactly what this process would.
"""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from taskforce.services import charts

ROOT = Path(__file__).resolve().parent.parent.parent
POINTS = [(date(2020, 6, 30), 0.12, 0.15), (date(2020, 7, 31), 0.2406, 0.26),
          (date(2020, 8, 31), 0.25, 0.31)]
LABELS = {"verified": "Đã xác minh", "claimed": "Kể cả chờ xác minh", "target": "Mục tiêu 30 %"}
ROWS = [("Sở Tư pháp", 0.41), ("UBND huyện <Ba Bể>", 0.12), ("$x^2$ Sở", 0.3)]


def kept_files(folder):
    return sorted(p for p in (folder / "charts").glob("*") if p.suffix in (".svg", ".png"))


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_child_draws_the_same_bytes_and_they_are_kept(make_app, tmp_path, fmt):
    here_trend = charts.trend_chart(POINTS, 0.3, fmt, LABELS)  # no application: drawn here
    here_bars = charts.unit_bars(ROWS, 0.3, fmt, {"target": "30 %"}, format_share="{:.2%}".format)
    app = make_app(CHARTS_IN_PROCESS=False)
    with app.app_context():
        assert charts.trend_chart(POINTS, 0.3, fmt, LABELS) == here_trend
        assert charts.unit_bars(ROWS, 0.3, fmt, {"target": "30 %"},
                                format_share="{:.2%}".format) == here_bars
    assert [p.read_bytes() for p in kept_files(tmp_path)] in (
        [here_trend, here_bars], [here_bars, here_trend])


def test_a_kept_chart_is_not_drawn_again_and_other_data_is(make_app, tmp_path):
    app = make_app(CHARTS_IN_PROCESS=False)
    with app.app_context():
        first = charts.trend_chart(POINTS, 0.3, "svg", LABELS)
        [kept] = kept_files(tmp_path)
        kept.write_bytes(b"<svg>kept</svg>")
        assert charts.trend_chart(POINTS, 0.3, "svg", LABELS) == b"<svg>kept</svg>"
        other = charts.trend_chart(POINTS, 0.35, "svg", LABELS)
    assert other not in (first, b"<svg>kept</svg>") and len(kept_files(tmp_path)) == 2


def test_testing_draws_in_this_process_and_keeps_nothing(app, tmp_path):
    assert charts.trend_chart(POINTS, 0.3, "svg", LABELS).startswith(b"<?xml")
    assert kept_files(tmp_path) == []


def test_a_failed_drawing_is_an_error_not_a_chart(make_app):
    app = make_app(CHARTS_IN_PROCESS=False)
    with app.app_context(), pytest.raises(RuntimeError, match="drawing a chart failed"):
        charts.draw("no such chart", {}, "svg")


def test_the_process_that_asks_for_a_chart_never_imports_matplotlib(tmp_path):
    code = f"""
import sys
from datetime import date
from config import TestingConfig
from taskforce import create_app
from taskforce.services import charts
app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR={str(tmp_path)!r},
                 CHARTS_IN_PROCESS=False)
with app.app_context():
    svg = charts.trend_chart([(date(2020, 7, 31), 0.24, 0.26)], 0.3, "svg", {{}})
assert svg.startswith(b"<?xml"), svg[:100]
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("matplotlib", "numpy"))
assert heavy == [], heavy
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
