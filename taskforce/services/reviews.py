"""Reviews (sơ kết): stored snapshots of the figures for a period, built, stored and read.

A review keeps everything it shows in ``Review.snapshot`` (numbers, strings and ISO
dates only), so it reads the same however the data changes afterwards.
"""

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from taskforce.models import (
    Decision,
    ExtensionRequest,
    Member,
    Position,
    Review,
    ReviewKind,
    Task,
    TaskStatus,
    Unit,
)
from taskforce.services import (
    audit,
    charts,
    clock,
    kpi,
    plan_charts,
    plans,
    scorecard,
    settings,
    tasks,
)
from taskforce.services.errors import DomainError
from taskforce.services.inserts import insert_missing

SNAPSHOT_VERSION = 1
# The classes of tasks (Decision 42/2014, and "done with a shortfall" counted apart).
CLASSES = tasks.CLASSES
MOVEMENT_KEYS = ("services", "level3", "level4", "level4_verified", "effective4", "share",
                 "share_verified", "to_target", "effective_share")
LIST_LIMIT = 100
BEHIND_COUNT = 5
DUE_SOON_DAYS = 7
TREND_MONTHS = 12


# Periods --------------------------------------------------------------------------------------

def review_period(kind, today):
    """The period a scheduled review of ``kind`` covers when made on ``today``.

    Weekly: the previous Monday to Sunday; monthly: the previous calendar month.
    """
    if kind == ReviewKind.WEEKLY:
        start = today - timedelta(days=today.weekday() + 7)
        return start, start + timedelta(days=6)
    if kind == ReviewKind.MONTHLY:
        end = today.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    raise ValueError(f"no scheduled period for a {kind!r} review")


def _month_end(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def check_period(kind, start, end, today=None):
    """Refuse a kind or period a review cannot have, naming the field at fault."""
    if kind not in set(ReviewKind):
        raise DomainError(_("Choose the kind of review."), field="kind")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date):
            raise DomainError(_("Enter the date as dd/mm/yyyy."), field=name)
        try:
            kpi.check_as_of(value)
        except DomainError as error:
            raise DomainError(error.message, field=name) from None
    if end < start:
        raise DomainError(_("The period must not end before it starts."), field="end")
    if today is not None and end > today:
        raise DomainError(_("The period must end today at the latest."), field="end")
    if kind == ReviewKind.WEEKLY and (start.weekday() != 0 or end != start + timedelta(days=6)):
        raise DomainError(_("A weekly review covers a week from Monday to Sunday."),
                          field="start")
    if kind == ReviewKind.MONTHLY and (start.day != 1 or end != _month_end(start)):
        raise DomainError(_("A monthly review covers one whole calendar month."), field="start")


# Building -------------------------------------------------------------------------------------

def find_review(session, kind, start, end):
    """The review of ``kind`` for exactly this period, or None."""
    return session.scalar(select(Review).where(Review.kind == kind, Review.period_start == start,
                                               Review.period_end == end))


def search(kind=""):
    """The stored reviews, latest period first; only those of ``kind`` when it is one."""
    query = select(Review).order_by(Review.period_end.desc(), Review.id.desc())
    if kind in set(ReviewKind):
        query = query.where(Review.kind == kind)
    return query


def build_review(session, *, kind, start, end, actor=None, now, today=None, number=None):
    """Build and store the review of ``kind`` for ``start``–``end``, or return the stored one.

    A period is reviewed once: building it again (or at the same time in another
    process) returns the existing snapshot unchanged.
    """
    return build_or_get(session, kind=kind, start=start, end=end, actor=actor, now=now,
                        today=today, number=number)[0]


def ensure_review(session, *, kind, today, now):
    """Build the scheduled review of ``kind`` due on ``today``; ``(review, made_now)``."""
    start, end = review_period(kind, today)
    return build_or_get(session, kind=kind, start=start, end=end, now=now, today=today)


def build_or_get(session, *, kind, start, end, actor=None, now, today=None, number=None):
    """``(review, made_now)``: as ``build_review``, saying whether it was made by this call."""
    check_period(kind, start, end, today)
    existing = find_review(session, kind, start, end)
    if existing is not None:
        return existing, False
    number = (number or "").strip()[:60] or None
    snapshot = build_snapshot(session, kind=kind, start=start, end=end, now=now, today=today)
    new_id = insert_missing(session, Review, [{
        "kind": kind, "period_start": start, "period_end": end, "number": number,
        "snapshot": snapshot, "created_by_id": getattr(actor, "id", None), "created_at": now,
    }], ["kind", "period_start", "period_end"])
    if not new_id:
        # Another process stored this period first; theirs is the review.
        return find_review(session, kind, start, end), False
    review = session.get(Review, new_id[0])
    audit.record(session, actor, "review.build", review, now=now,
                 summary=f"{kind} {start.isoformat()}–{end.isoformat()}")
    return review, True


def _utc_start_of(day):
    """The UTC instant at which the local ``day`` begins."""
    return datetime.combine(day, time.min, tzinfo=clock.zone()).astimezone(UTC)


def build_snapshot(session, *, kind, start, end, now, today=None):
    """Everything a review shows about ``start``–``end``, as JSON-safe data.

    ``today`` is the day it is issued on (the local date of ``now`` when not given).
    """
    target = settings.target_share(session)
    province, per_unit = kpi.compute(session, end, target)
    report = plans.default_report(session, end)
    previous = _previous_review(session, kind, end)
    baseline = _baseline(session, previous, start, target)
    by_class = _class_counts(session, end)
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "issued_on": (today or now.astimezone(clock.zone()).date()).isoformat(),
        "built_at": now.astimezone(UTC).isoformat(),
        "target": target,
        "target_on": _iso(settings.target_on(session)),
        "national": settings.national_share(session),
        "province": _figures(province),
        "baseline": baseline["about"],
        "movement": _movement(_figures(province), baseline["province"]),
        "units": [_unit_row(unit, fig, by_class.get(unit.id), baseline["units"].get(unit.id))
                  for unit, fig in per_unit],
        "behind": [{"id": unit.id, "name": unit.name, "share_verified": round(
            fig.share_verified, 4), "to_target": fig.to_target, "services": fig.services}
                   for unit, fig in kpi.furthest_behind(per_unit, BEHIND_COUNT)],
        "tasks": _class_totals(by_class),
        "trend": [{"on": p.on.isoformat(), "verified": round(p.share_verified, 4),
                   "claimed": round(p.share_claimed, 4), "services": p.services}
                  for p in kpi.monthly_trend(session, kpi.trend_start(end, TREND_MONTHS), end)],
        "signer": _signer(session),
        "indicators": _indicators(report),
        "projection": _projection(report),
        "scorecard": scorecard.review_section(session, end),
    }
    snapshot.update(_task_lists(session, start, end))
    return snapshot


def _indicators(report):
    """The default plan's indicators as of the review's end (None without a plan): the plan's
    code and name, and each indicator's value, target, target date, projection, status and
    pace."""
    if report is None:
        return None
    data = plans.as_json(report)
    for item in data["indicators"]:
        item.pop("units", None)
    return {"plan": data["plan"], "items": data["indicators"]}


def _projection(report):
    """What the trend chart draws of the default plan as of the review's end, as the dashboard
    does (``plan_charts``): the level-4 share indicator's projection to each target date and
    its targets, ``{"points": [[iso day, value]...], "targets": [...]}``, or None."""
    projection = plan_charts.report_projection(report)
    if projection is None:
        return None
    return {key: [[day.isoformat(), value] for day, value in projection[key]]
            for key in ("points", "targets")}


def stored_projection(snapshot):
    """The projection the review froze, with dates, for its chart; None for a review made
    before it was kept (its chart stays as it was drawn)."""
    stored = snapshot.get("projection")
    if not stored:
        return None
    return {key: [(date.fromisoformat(day), value) for day, value in stored.get(key, [])]
            for key in ("points", "targets")}


def indicator_items(snapshot):
    """The stored indicators of a snapshot (none for a review made before they were kept)."""
    return (snapshot.get("indicators") or {}).get("items") or []


def _iso(value):
    return value.isoformat() if value is not None else None


def _local_iso(moment, zone):
    return moment.astimezone(zone).date().isoformat() if moment is not None else None


def _figures(fig):
    data = fig.as_dict()
    data["effective_share"] = round(fig.effective_share, 4)
    return data


def _movement(now_figures, then_figures):
    if then_figures is None:
        return None
    return {key: round(now_figures[key] - then_figures.get(key, 0), 4) for key in MOVEMENT_KEYS}


def _previous_review(session, kind, end):
    return session.scalar(select(Review).where(Review.kind == kind, Review.period_end < end)
                          .order_by(Review.period_end.desc(), Review.id.desc()).limit(1))


def _baseline(session, previous, start, target):
    """What the movement is measured from: the previous review, else the day before ``start``."""
    if previous is not None and previous.snapshot.get("version") == SNAPSHOT_VERSION:
        data = previous.snapshot
        return {"about": {"review_id": previous.id, "number": previous.number,
                          "start": data["start"], "end": data["end"], "as_of": data["end"]},
                "province": data["province"],
                "units": {row["id"]: row for row in data["units"]}}
    as_of = start - timedelta(days=1)
    province, per_unit = kpi.compute(session, as_of, target)
    return {"about": {"review_id": None, "as_of": as_of.isoformat()},
            "province": _figures(province),
            "units": {unit.id: _figures(fig) for unit, fig in per_unit}}


def _class_counts(session, end):
    """``{unit_id: {class: count}}`` for the tasks that existed at the end of ``end``."""
    # A task finished after the period was still open at its end (for reviews made late).
    finished_later = and_(Task.status == TaskStatus.DONE, Task.completed_on > end)
    as_of_end = case((finished_later, case((Task.due_on >= end, "open_on_time"),
                                           else_="open_overdue")),
                     else_=tasks.classification_expr(end))
    inner = (select(Task.unit_id, as_of_end.label("cls"))
             .where(Task.created_at < _utc_start_of(end + timedelta(days=1))).subquery())
    rows = session.execute(select(inner.c.unit_id, inner.c.cls, func.count())
                           .where(inner.c.cls.is_not(None))
                           .group_by(inner.c.unit_id, inner.c.cls))
    counts = {}
    for unit_id, cls, count in rows:
        counts.setdefault(unit_id, dict.fromkeys(CLASSES, 0))[cls] = int(count)
    return counts


def _class_totals(by_class):
    totals = dict.fromkeys(CLASSES, 0)
    for counts in by_class.values():
        for key in CLASSES:
            totals[key] += counts.get(key, 0)
    totals["total"] = sum(totals[key] for key in CLASSES)
    return totals


def _unit_row(unit, fig, classes, then):
    figures = _figures(fig)
    return {
        "id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind,
        **figures,
        "tasks": classes or dict.fromkeys(CLASSES, 0),
        "movement": _movement(figures, then) if then is not None else None,
    }


def _signer(session):
    leader = session.scalar(select(Member).where(Member.active.is_(True),
                                                 Member.position == Position.LEADER)
                            .order_by(Member.display_order, Member.id).limit(1))
    return {"name": leader.full_name, "title": leader.title or ""} if leader else None


def _task_row(task, unit_name, **extra):
    return {"id": task.id, "title": task.title, "unit": unit_name or "",
            "due_on": task.due_on.isoformat(), "original_due_on": task.original_due_on.isoformat(),
            **extra}


def _listed(session, query, limit=LIST_LIMIT):
    """``(total, first rows)`` of a query of (Task, unit name, ...) rows."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return int(total or 0), session.execute(query.limit(limit)).all()


def _task_lists(session, start, end):
    """Tasks awaiting acceptance, due in the next days, and extensions granted in the period."""
    end_at = _utc_start_of(end + timedelta(days=1))
    # Each task with its progress, the one figure of the task page and the e-mails.
    base = (select(Task, Unit.name, tasks.progress_expr())
            .outerjoin(Unit, Unit.id == Task.unit_id))
    reported = (base.where(Task.status == TaskStatus.REPORTED, Task.created_at < end_at,
                           or_(Task.reported_at.is_(None), Task.reported_at < end_at))
                .order_by(Task.reported_at, Task.id))
    due_soon = (base.where(Task.is_open(), Task.created_at < end_at,
                           Task.due_on > end, Task.due_on <= end + timedelta(days=DUE_SOON_DAYS))
                .order_by(Task.due_on, Task.id))
    granted = (select(ExtensionRequest, Task, Unit.name)
               .join(Task, Task.id == ExtensionRequest.task_id)
               .outerjoin(Unit, Unit.id == Task.unit_id)
               .where(ExtensionRequest.decision == Decision.APPROVED,
                      ExtensionRequest.decided_at >= _utc_start_of(start),
                      ExtensionRequest.decided_at < end_at)
               .order_by(ExtensionRequest.decided_at, ExtensionRequest.id))
    reported_total, reported_rows = _listed(session, reported)
    due_total, due_rows = _listed(session, due_soon)
    granted_total, granted_rows = _listed(session, granted)
    zone = clock.zone()
    return {
        "awaiting_acceptance": {"total": reported_total, "items": [
            _task_row(task, name, reported_on=_local_iso(task.reported_at, zone),
                      progress=progress)
            for task, name, progress in reported_rows]},
        "due_soon": {"total": due_total, "days": DUE_SOON_DAYS, "items": [
            _task_row(task, name, status=task.status, progress=progress)
            for task, name, progress in due_rows]},
        "extensions": {"total": granted_total, "items": [
            _task_row(task, name, previous_due_on=ext.previous_due_on.isoformat(),
                      granted_due_on=ext.requested_due_on.isoformat(),
                      decided_on=_local_iso(ext.decided_at, zone))
            for ext, task, name in granted_rows]},
    }


# Reading --------------------------------------------------------------------------------------

def review_title(review):
    """The review's title in the current language, e.g. "Weekly review 28/09/2020 – 04/10/2020"."""
    start, end = review.period_start, review.period_end
    if review.kind == ReviewKind.MONTHLY:
        return _("Monthly review %(month)s", month=start.strftime("%m/%Y"))
    values = {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
    if review.kind == ReviewKind.WEEKLY:
        return _("Weekly review %(start)s – %(end)s", **values)
    return _("Review %(start)s – %(end)s", **values)


DATE_KEYS = frozenset({"start", "end", "on", "as_of", "issued_on", "target_on", "due_on",
                       "original_due_on", "reported_on", "previous_due_on", "granted_due_on",
                       "decided_on"})


def readable(snapshot):
    """The snapshot with its ISO dates turned into dates, for templates."""
    if isinstance(snapshot, dict):
        return {key: (date.fromisoformat(value) if key in DATE_KEYS and isinstance(value, str)
                      else readable(value)) for key, value in snapshot.items()}
    if isinstance(snapshot, list):
        return [readable(value) for value in snapshot]
    return snapshot


def trend_points(snapshot):
    """The stored trend as ``(on, share_verified, share_claimed, services)`` points for a
    chart (a review made before the count was kept counts its points as holding data)."""
    return [(date.fromisoformat(p["on"]), p["verified"], p["claimed"], p.get("services", 1))
            for p in snapshot.get("trend", [])]


def chart_data(review):
    """What the review's trend chart is drawn from, its snapshot only: ``points``, ``target``,
    ``labels`` (in the current language) and the frozen ``projection`` of the plan's level-4
    share indicator, dashed to each target date with the targets marked, as on the
    dashboard."""
    snapshot = review.snapshot
    target = snapshot["target"]
    labels = {"verified": _("Verified"), "claimed": _("Claimed, awaiting verification included"),
              "target": _("Target %(share)s", share=format_percent(target, "#,##0 %")),
              "projected": _("Projected"), "plan_target": _("Targets of the plan")}
    return {"points": trend_points(snapshot), "target": target, "labels": labels,
            "projection": stored_projection(snapshot)}


def chart(review, fmt="png"):
    """The review's trend chart (page, Word report, e-mail) drawn from its snapshot."""
    return charts.trend_chart(fmt=fmt, **chart_data(review))
