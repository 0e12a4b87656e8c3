"""Charts of the level-4 share, drawn by matplotlib as SVG (pages) or PNG (e-mails, reports).

The object-oriented ``Figure`` API is used without pyplot: it keeps no global figure
state, so web workers can draw at the same time. Fonts are matplotlib's own DejaVu,
which covers Vietnamese; nothing is fetched from anywhere. matplotlib is imported on the
first chart, not with the application: most processes (commands, jobs, list pages) draw none.
"""

import math
import re
import unicodedata
from datetime import timedelta
from functools import cache
from io import BytesIO

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
MAX_TICKS = 12
# No creator, date or licence block: the SVG carries no address and is the same each time.
_SVG_METADATA = {"Creator": None, "Date": None, "Type": None, "Format": None}
_PNG_METADATA = {"Software": None}
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*>\s*")


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


def _date_ticks(ax, days):
    """A tick at every point, or every few when many: mm/yyyy at a month end, else the day."""
    step = max(1, math.ceil(len(days) / MAX_TICKS))
    shown = days[::-1][::step][::-1]
    ax.set_xticks(shown, [day.strftime("%m/%Y" if (day + timedelta(days=1)).day == 1
                                       else "%d/%m/%Y") for day in shown])


def trend_chart(points, target, fmt="svg", labels=None):
    """A line of the verified share month by month against a dashed target line.

    ``points`` are ``(on, share_verified, share_claimed)``; ``labels`` holds the
    already translated texts: ``title``, ``verified``, ``claimed`` (drawn when given)
    and ``target``.
    """
    labels = labels or {}
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
    top = max([target, *(max(point[1], point[2]) for point in points)])
    ax.set_ylim(0, min(1.0, top * 1.25 + 0.02))
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    _date_ticks(ax, days)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if labels.get("title"):
        ax.set_title(_clean(labels["title"], 120), loc="left")
    ax.legend(loc="upper left", frameon=False)
    fig.autofmt_xdate(rotation=30)
    return _render(fig, fmt)


def unit_bars(rows, target, fmt="svg", labels=None, format_share=None):
    """Horizontal bars of each unit's verified share, first row on top, with the target line.

    ``rows`` are ``(name, share)``; bars below the target are drawn in orange. ``labels``
    holds the already translated ``title``, ``target`` and ``empty`` (shown with no rows);
    ``format_share`` writes a share the reader's way (default ``24.1%``).
    """
    labels = labels or {}
    format_share = format_share or "{:.1%}".format
    rows = list(rows)
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
        for position, share in zip(positions, shares, strict=True):
            ax.annotate(format_share(share), (share, position), xytext=(3, 0),
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
