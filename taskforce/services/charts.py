"""Charts of the level-4 share, drawn by matplotlib as SVG (pages) or PNG (e-mails, reports).

The object-oriented ``Figure`` API is used without pyplot: it keeps no global figure
state. Fonts are matplotlib's own DejaVu, which covers Vietnamese; nothing is fetched from
anywhere.

matplotlib and numpy take about 45 MiB and half a second to import, so a long-lived process
(a web worker, the scheduler) never imports them: it hands the chart's data, as JSON, to a
short-lived ``python charts.py`` child that draws it, and keeps the bytes in a folder of the
instance under a hash of the data, so a chart is drawn once for as long as its figures stay the
same, whichever worker asks. This file runs alone as that child (it imports no part of the
project). Tests and ``CHARTS_IN_PROCESS`` draw in the process itself.
"""

import hashlib
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from io import BytesIO
from pathlib import Path

log = logging.getLogger(__name__)

# Deterministic SVG (stable ids), text kept as text (small, selectable, accessible),
# and a "$" in a unit's name drawn as a dollar sign rather than parsed as mathtext.
RC_PARAMS = {
    "svg.hashsalt": "taskforce",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
}

FORMATS = ("svg", "png")
VERIFIED_COLOR = "#0d6efd"
CLAIMED_COLOR = "#6c757d"
TARGET_COLOR = "#dc3545"
BEHIND_COLOR = "#fd7e14"
REACHED_COLOR = "#198754"
NAME_LENGTH = 40
MAX_TICKS = 8
MIN_TICK_GAP = 20  # days at least between two labelled points
# No creator, date or licence block: the SVG carries no address and is the same each time.
_SVG_METADATA = {"Creator": None, "Date": None, "Type": None, "Format": None}
_PNG_METADATA = {"Software": None}
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")
CHILD_TIMEOUT = 120  # seconds; the first chart of a new installation builds matplotlib's font list
KEPT_CHARTS = 500  # files kept in the folder; the oldest go first


@cache
def _matplotlib():
    """matplotlib's Figure and PercentFormatter, imported and set up once per process."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    matplotlib.rcParams.update(RC_PARAMS)
    return Figure, PercentFormatter


def _clean(text, length=NAME_LENGTH):
    """Text safe for a chart: no control characters, long names shortened."""
    text = "".join(ch for ch in str(text or "") if unicodedata.category(ch)[0] != "C")
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _render(fig, fmt):
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    buffer = BytesIO()
    if fmt == "svg":
        fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
        # The DOCTYPE only names a DTD on the web; browsers ignore it.
        return _DOCTYPE.sub(b"", buffer.getvalue(), count=1)
    fig.savefig(buffer, format="png", dpi=144, metadata=_PNG_METADATA)
    return buffer.getvalue()


def _target_label(labels, target):
    return labels.get("target", "") or f"{target:.0%}"


def plotted(points):
    """The points a trend chart draws: from the first month with data on (``points`` as
    ``(on, verified, claimed[, services])``; a point whose services count is 0 comes before
    the catalog held any, and is left out rather than drawn as a 0 % month and a cliff)."""
    points = list(points)
    first = next((i for i, point in enumerate(points)
                  if len(point) < 4 or point[3]), len(points))
    return [tuple(point[:3]) for point in points[first:]]


def date_ticks(days, most=MAX_TICKS):
    """``(day, label)`` of the ticks to show: the last point always, then every few back so
    that at most ``most`` are labelled; mm/yyyy at a month end, else the day. A tick closer
    than MIN_TICK_GAP days to the one after it (a month end just before a mid-month last
    point) is left out, so labels never overlap."""
    days = list(days)
    step = max(1, math.ceil(len(days) / most))
    shown = []
    for day in reversed(days[::-1][::step][::-1]):
        if not shown or (shown[-1] - day).days >= MIN_TICK_GAP:
            shown.append(day)
    shown.reverse()
    return [(day, day.strftime("%m/%Y" if (day + timedelta(days=1)).day == 1 else "%d/%m/%Y"))
            for day in shown]


def _date_ticks(ax, days):
    ticks = date_ticks(days)
    ax.set_xticks([day for day, _label in ticks], [label for _day, label in ticks])


def trend_spec(points, target, labels=None, projection=None):
    """The JSON data a trend chart is drawn from (see :func:`trend_chart`)."""
    spec = {"points": [[on.isoformat(), float(verified), float(claimed)]
                       for on, verified, claimed in plotted(points)],
            "target": float(target), "labels": dict(labels or {})}
    if projection:
        spec["projection"] = {key: [[day.isoformat(), float(value)]
                                    for day, value in projection.get(key, [])]
                              for key in ("points", "targets")}
    return spec


def trend_chart(points, target, fmt="svg", labels=None, projection=None):
    """A line of the verified share month by month against a dashed target line.

    ``points`` are ``(on, share_verified, share_claimed[, services])``, drawn from the first
    with services (:func:`plotted`); ``labels`` holds the already translated texts:
    ``title``, ``verified``, ``claimed`` (drawn when given), ``target``, and ``projected``
    and ``plan_target`` with a ``projection``: ``{"points": [(day, value)...], "targets":
    [(day, target)...]}``, the projected values drawn dashed from the last known one and
    each dated target as a marker.
    """
    return draw("trend", trend_spec(points, target, labels, projection), fmt)


def unit_bars(rows, target, fmt="svg", labels=None, format_share=None):
    """Horizontal bars of each unit's verified share, first row on top, with the target line.

    ``rows`` are ``(name, share)``; bars below the target are drawn in orange. ``labels``
    holds the already translated ``title``, ``target`` and ``empty`` (shown with no rows);
    ``format_share`` writes a share the reader's way (default ``24.1%``).
    """
    format_share = format_share or "{:.1%}".format
    spec = {"rows": [[name, float(share), format_share(share)] for name, share in rows],
            "target": float(target), "labels": dict(labels or {})}
    return draw("bars", spec, fmt)


# Drawing (in this process or in the child) ----------------------------------------------------

def _draw_trend(spec, fmt):
    points = [(date.fromisoformat(on), verified, claimed)
              for on, verified, claimed in spec["points"]]
    target, labels = spec["target"], spec["labels"]
    Figure, PercentFormatter = _matplotlib()
    fig = Figure(figsize=(7.5, 3.4), layout="constrained")
    ax = fig.add_subplot()
    days = [point[0] for point in points]
    if days:
        ax.plot(days, [point[1] for point in points], marker="o", linewidth=2,
                color=VERIFIED_COLOR, label=_clean(labels.get("verified", ""), 80))
        if labels.get("claimed"):
            ax.plot(days, [point[2] for point in points], linestyle=":", linewidth=1.5,
                    color=CLAIMED_COLOR, label=_clean(labels["claimed"], 80))
    ax.axhline(target, linestyle="--", linewidth=1.5, color=TARGET_COLOR,
               label=_clean(_target_label(labels, target), 80))
    ahead = _draw_projection(ax, spec.get("projection") or {}, labels)
    top = max([target, *(max(point[1], point[2]) for point in points),
               *(value for _day, value in ahead)])
    ax.set_ylim(0, min(1.0, top * 1.25 + 0.02))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    _date_ticks(ax, sorted({*days, *(day for day, _value in ahead)}))
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if labels.get("title"):
        ax.set_title(_clean(labels["title"], 120), loc="left")
    ax.legend(loc="upper left", frameon=False)
    fig.autofmt_xdate(rotation=45)
    return _render(fig, fmt)


def _draw_projection(ax, projection, labels):
    """The projection dashed and the plan's targets as markers; their ``(day, value)``."""
    line = [(date.fromisoformat(on), value) for on, value in projection.get("points", [])]
    marks = [(date.fromisoformat(on), value) for on, value in projection.get("targets", [])]
    if len(line) > 1:
        ax.plot([day for day, _ in line], [value for _, value in line], linestyle="--",
                linewidth=1.5, color=VERIFIED_COLOR, alpha=0.7,
                label=_clean(labels.get("projected", ""), 80) or None)
    if marks:
        ax.scatter([day for day, _ in marks], [value for _, value in marks], marker="*", s=110,
                   color=TARGET_COLOR, zorder=3,
                   label=_clean(labels.get("plan_target", ""), 80) or None)
    return line + marks


def _draw_bars(spec, fmt):
    rows = [(name, share) for name, share, _text in spec["rows"]]
    texts = [text for _name, _share, text in spec["rows"]]
    target, labels = spec["target"], spec["labels"]
    height = max(1.8, 0.26 * len(rows) + 1.0)
    Figure, PercentFormatter = _matplotlib()
    fig = Figure(figsize=(7.5, height), layout="constrained")
    ax = fig.add_subplot()
    if rows:
        positions = range(len(rows))
        shares = [share for _, share in rows]
        colors = [REACHED_COLOR if share >= target else BEHIND_COLOR for share in shares]
        ax.barh(positions, shares, color=colors, height=0.7)
        ax.set_yticks(list(positions), [_clean(name) for name, _ in rows])
        ax.invert_yaxis()
        for position, share, text in zip(positions, shares, texts, strict=True):
            ax.annotate(text, (share, position), xytext=(3, 0),
                        textcoords="offset points", va="center", fontsize=8)
    else:
        ax.set_yticks([])
        ax.text(0.5, 0.5, _clean(labels.get("empty", ""), 120), ha="center", va="center",
                transform=ax.transAxes)
    ax.axvline(target, linestyle="--", linewidth=1.5, color=TARGET_COLOR,
               label=_clean(_target_label(labels, target), 80))
    top = max([target, *(share for _, share in rows)])
    ax.set_xlim(0, min(1.0, top * 1.2 + 0.05))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if labels.get("title"):
        ax.set_title(_clean(labels["title"], 120), loc="left")
    fig.legend(loc="outside upper right", frameon=False)
    return _render(fig, fmt)


DRAWERS = {"trend": _draw_trend, "bars": _draw_bars}


# Where a chart is drawn -----------------------------------------------------------------------

@dataclass(frozen=True)
class ChartSettings:
    in_process: bool
    folder: Path


def _settings():
    """Draw in a child and keep the charts under the instance folder, unless testing or
    ``CHARTS_IN_PROCESS`` is set; in this process when there is no application."""
    from flask import current_app, has_app_context  # not imported by the child

    if not has_app_context():
        return None
    config = current_app.config
    return ChartSettings(in_process=bool(config.get("CHARTS_IN_PROCESS", current_app.testing)),
                         folder=Path(config["INSTANCE_DIR"]) / "charts")


def draw(kind, spec, fmt):
    """The chart ``kind`` of ``spec`` (JSON data) as ``fmt`` bytes: kept, or drawn by a child."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    settings = _settings()
    if settings is None or settings.in_process:
        return DRAWERS[kind](spec, fmt)
    request = json.dumps({"kind": kind, "spec": spec, "fmt": fmt}, sort_keys=True,
                         ensure_ascii=False)
    key = hashlib.sha256(f"{_code_stamp()}\n{request}".encode()).hexdigest()
    path = settings.folder / f"{key}.{fmt}"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = _draw_in_child(request)
    _keep(settings.folder, path, data)
    return data


@cache
def _code_stamp():
    """Kept charts are drawn by this very file: a new version draws them again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _draw_in_child(request):
    # This interpreter and this file, isolated; the data goes on stdin and is only parsed.
    done = subprocess.run([sys.executable, "-I", __file__], input=request.encode(),  # noqa: S603
                          capture_output=True, timeout=CHILD_TIMEOUT, check=False)
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError("drawing a chart failed: "
                           + done.stderr.decode(errors="replace")[-2000:])
    return done.stdout


def _keep(folder, path, data):
    """Write ``data`` to ``path`` whole (never half-written for another worker to read) and
    remove the oldest kept charts beyond KEPT_CHARTS."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            part.write(data)
        os.replace(part.name, path)
        kept = sorted(folder.glob("*.*g"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEPT_CHARTS]:
            old.unlink(missing_ok=True)
    except OSError as error:  # a chart not kept is drawn again next time
        log.warning("Could not keep a chart in %s: %s", folder, error)


def _main():
    """The child: one request as JSON on stdin, the chart's bytes on stdout."""
    request = json.loads(sys.stdin.buffer.read())
    sys.stdout.buffer.write(DRAWERS[request["kind"]](request["spec"], request["fmt"]))


if __name__ == "__main__":
    _main()
