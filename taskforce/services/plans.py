"""Plans (kế hoạch): writing them with their checks, the default plan, and evaluating each
indicator as of a date (its value, target, projection, status and the pace it needs).

A plan's figures are the measures of ``services.measures``; its forecast is
``services.forecast``. A refused draft changes nothing: every check runs before any write.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from taskforce.models import Indicator, Milestone, Plan, Unit
from taskforce.permissions import can
from taskforce.services import audit, forecast, kpi, kpi_cache, measures, unit_map
from taskforce.services.bounds import check_date
from taskforce.services.errors import DomainError, PermissionDenied
from taskforce.services.text import clean

MAX_INDICATORS = 6  # the rows of the form
MAX_MILESTONES = 3
# Measures whose denominator is services: their pace reads "+3 services a month".
COUNTED_IN_SERVICES = frozenset({"share_at_class", "effectiveness"})


@dataclass(frozen=True)
class MilestoneDraft:
    """A target as typed: a share from 0 to 1 to reach by a date."""

    target_value: float | None
    target_on: date | None


@dataclass(frozen=True)
class IndicatorDraft:
    """An indicator as typed: a measure with its parameters and its milestones."""

    code: str
    name: str
    measure: str
    params: dict = field(default_factory=dict)
    milestones: tuple = ()


@dataclass(frozen=True)
class PlanDraft:
    """A plan as typed, with its indicators."""

    code: str
    name: str
    starts_on: date | None
    ends_on: date | None
    basis_number: str | None = None
    basis_date: date | None = None
    indicators: tuple = ()


# Reading ----------------------------------------------------------------------------------------

def list_plans(session):
    """Every plan, the default first, then by start date and code."""
    return session.scalars(select(Plan).order_by(Plan.is_default.desc(), Plan.starts_on.desc(),
                                                 Plan.code)).all()


def default_plan(session):
    """The default plan, or None when there is no plan."""
    return session.scalar(select(Plan).where(Plan.is_default.is_(True)).order_by(Plan.id))


def by_code(session, code):
    """The plan whose code is ``code`` (case aside), or a DomainError."""
    text = clean(code or "")
    plan = session.scalar(select(Plan).where(func.lower(Plan.code) == text.lower())) \
        if text else None
    if plan is None:
        raise DomainError(_("There is no plan with the code “%(code)s”.", code=text[:40]),
                          field="plan")
    return plan


# Checking a draft -------------------------------------------------------------------------------

def _guard(actor):
    if actor is None or not can(actor, "plans.manage"):
        raise PermissionDenied(_("You may not change plans."))


def _text(value, limit, message, field_name):
    text = clean(value or "")
    if not text:
        raise DomainError(message, field=field_name)
    if len(text) > limit:
        raise DomainError(_("Keep it under %(n)s characters.", n=limit), field=field_name)
    return text


def _plan_values(session, plan, draft):
    values = {
        "code": _text(draft.code, 40, _("Enter the plan's code."), "code"),
        "name": _text(draft.name, 300, _("Enter the plan's name."), "name"),
        "basis_number": clean(draft.basis_number or "")[:100] or None,
        "basis_date": draft.basis_date,
        "starts_on": draft.starts_on,
        "ends_on": draft.ends_on,
    }
    clash = session.scalar(select(Plan).where(func.lower(Plan.code) == values["code"].lower()))
    if clash is not None and clash is not plan:
        raise DomainError(_("Another plan already has this code."), field="code")
    for key, message in (("starts_on", _("Enter the day the plan starts.")),
                         ("ends_on", _("Enter the day the plan ends."))):
        if values[key] is None:
            raise DomainError(message, field=key)
        check_date(values[key], field=key)
    if values["basis_date"] is not None:
        check_date(values["basis_date"], field="basis_date")
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The plan cannot end before it starts."), field="ends_on")
    return values


def _indicator_field(index, name):
    return f"indicators-{index}-{name}"


def _milestones(draft, index, values):
    milestones = []
    for milestone in draft.milestones:
        value, day = milestone.target_value, milestone.target_on
        if value is None and day is None:
            continue
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
                or math.isnan(value) or not 0 <= value <= 1:
            raise DomainError(_("A target is a share from 0 to 100 %."),
                              field=_indicator_field(index, "target"))
        if day is None:
            raise DomainError(_("Give the date of each target."),
                              field=_indicator_field(index, "target_on"))
        if day < values["starts_on"]:
            raise DomainError(_("A target date cannot fall before the plan starts (%(day)s).",
                                day=values["starts_on"].strftime("%d/%m/%Y")),
                              field=_indicator_field(index, "target_on"))
        if day > values["ends_on"]:
            raise DomainError(_("A target date cannot fall after the plan ends (%(day)s).",
                                day=values["ends_on"].strftime("%d/%m/%Y")),
                              field=_indicator_field(index, "target_on"))
        milestones.append((day, float(value)))
    if not milestones:
        raise DomainError(_("Give each indicator a target and its date."),
                          field=_indicator_field(index, "target"))
    if len(milestones) > MAX_MILESTONES:
        raise DomainError(_("An indicator has at most %(n)s targets.", n=MAX_MILESTONES),
                          field=_indicator_field(index, "target"))
    if len({day for day, _value in milestones}) < len(milestones):
        raise DomainError(_("An indicator has one target a date."),
                          field=_indicator_field(index, "target_on"))
    return sorted(milestones)


def _indicator_values(session, draft, index, values):
    code = _text(draft.code, 40, _("Enter the indicator's code."), _indicator_field(index, "code"))
    name = _text(draft.name, 300, _("Enter the indicator's name."),
                 _indicator_field(index, "name"))
    try:
        params = measures.check_params(draft.measure, dict(draft.params or {}))
    except DomainError as error:
        raise DomainError(error.message, field=_indicator_field(index, "measure")) from None
    if not measures.has_data(session, draft.measure, params):
        raise DomainError(_("The catalog has no data for this measure yet: import it first."),
                          field=_indicator_field(index, "measure"))
    return {"code": code, "name": name, "measure": draft.measure, "params": params,
            "milestones": _milestones(draft, index, values)}


def check(session, plan, draft):
    """The plan's values and its indicators', every rule checked; a DomainError otherwise."""
    values = _plan_values(session, plan, draft)
    if not draft.indicators:
        raise DomainError(_("A plan needs at least one indicator."), field="indicators")
    if len(draft.indicators) > MAX_INDICATORS:
        raise DomainError(_("A plan has at most %(n)s indicators.", n=MAX_INDICATORS),
                          field="indicators")
    indicators = [_indicator_values(session, item, index, values)
                  for index, item in enumerate(draft.indicators)]
    codes = [item["code"].lower() for item in indicators]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise DomainError(_("Two indicators have the code “%(code)s”.",
                                code=indicators[index]["code"]),
                              field=_indicator_field(index, "code"))
    return values, indicators


# Writing ----------------------------------------------------------------------------------------

def _describe(indicators):
    """The indicators as plain text for the audit log."""
    return "; ".join(
        f"{item['code']} {item['measure']} {sorted(item['params'].items())} "
        + ", ".join(f"{value:.4g} @ {day.isoformat()}" for day, value in item["milestones"])
        for item in indicators)


def _current(plan):
    return [{"code": i.code, "name": i.name, "measure": i.measure, "params": i.params or {},
             "milestones": sorted((m.target_on, m.target_value) for m in i.milestones)}
            for i in plan.indicators]


def _add_indicators(plan, indicators):
    for position, item in enumerate(indicators):
        plan.indicators.append(Indicator(
            code=item["code"], name=item["name"], measure=item["measure"],
            params=dict(item["params"]), position=position,
            milestones=[Milestone(target_on=day, target_value=value)
                        for day, value in item["milestones"]]))


def create_plan(session, draft, *, actor, now=None):
    """Add a plan and its indicators; the first plan becomes the default."""
    _guard(actor)
    values, indicators = check(session, None, draft)
    plan = Plan(**values, is_default=default_plan(session) is None)
    if now is not None:
        plan.created_at = now
    _add_indicators(plan, indicators)
    session.add(plan)
    session.flush()
    audit.record(session, actor, "plan.create", plan, summary=plan.name, now=now,
                 changes={"indicators": [None, _describe(indicators)]})
    return plan


def update_plan(session, plan, draft, *, actor):
    """Change a plan's details and replace its indicators by the draft's."""
    _guard(actor)
    values, indicators = check(session, plan, draft)
    changes = audit.diff(plan, values)
    before, after = _current(plan), indicators
    for key, value in values.items():
        setattr(plan, key, value)
    if before != after:
        changes["indicators"] = [_describe(before), _describe(after)]
        plan.indicators.clear()
        session.flush()  # the old rows go before the new ones take their codes
        _add_indicators(plan, indicators)
    session.flush()
    if changes:
        audit.record(session, actor, "plan.update", plan, summary=plan.name, changes=changes)
    return plan


def save_plan(session, plan, draft, *, actor):
    """Create (plan None) or update a plan."""
    if plan is None:
        return create_plan(session, draft, actor=actor)
    return update_plan(session, plan, draft, actor=actor)


def set_default(session, plan, *, actor, now=None):
    """Make ``plan`` the default one; every other plan stops being it."""
    _guard(actor)
    for other in session.scalars(select(Plan).where(Plan.is_default.is_(True), Plan.id != plan.id)):
        other.is_default = False
    session.flush()
    if not plan.is_default:
        plan.is_default = True
        session.flush()
        audit.record(session, actor, "plan.default", plan, summary=plan.name, now=now)
    return plan


def delete_plan(session, plan, *, actor):
    """Remove a plan; the default one only when it is the last (make another default first)."""
    _guard(actor)
    others = session.scalar(select(func.count(Plan.id)).where(Plan.id != plan.id))
    if plan.is_default and others:
        raise DomainError(_("This is the default plan: make another plan the default first."))
    audit.record(session, actor, "plan.delete", plan, summary=plan.name,
                 changes={"code": [plan.code, None]})
    session.delete(plan)
    session.flush()


# Evaluating -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitValue:
    unit_id: int
    name: str
    value: float | None


@dataclass(frozen=True)
class Target:
    target_on: date
    target: float
    projected: float | None


@dataclass(frozen=True)
class IndicatorReport:
    """An indicator as of a date: where it stands, its target and where it is heading."""

    indicator: Indicator
    value: float | None
    numerator: float | None
    denominator: float | None
    target: float
    target_on: date
    projected: float | None
    status: str
    pace: float | None  # share a month still needed
    pace_services: int | None  # the same in services a month, for counted measures
    slope: float | None
    series: list
    targets: list
    units: list

    @property
    def code(self):
        return self.indicator.code

    @property
    def name(self):
        return self.indicator.name


@dataclass(frozen=True)
class PlanReport:
    plan: Plan
    as_of: date
    indicators: list


def series_ends(as_of, window=forecast.WINDOW):
    """The month ends the trend is fitted on: the ``window - 1`` before ``as_of``, then it."""
    return kpi.month_ends(as_of - relativedelta(months=window - 1), as_of)


def next_milestone(indicator, as_of):
    """The first target on or after ``as_of``, else the last one."""
    milestones = sorted(indicator.milestones, key=lambda m: m.target_on)
    upcoming = [m for m in milestones if m.target_on >= as_of]
    return (upcoming or milestones)[-1 if not upcoming else 0]


def _services_a_month(value, target, as_of, target_on):
    if value is None or value.share is None or value.share >= target:
        return None
    needed = math.ceil(target * value.denominator - value.numerator - 1e-9)
    months = forecast.months_between(as_of, target_on)
    return math.ceil(needed / months - 1e-9) if months >= 1 else needed


def evaluate_indicator(indicator, as_of, figures, units):
    """One indicator as of ``as_of`` from its ``figures`` (a measure's Result and its series);
    ``units`` the active units ``[(id, name)]`` in order, or none."""
    result, series = figures
    overall = result.overall
    value = overall.share if overall else None
    milestone = next_milestone(indicator, as_of)
    outlook = forecast.outlook(series, value, milestone.target_value, as_of, milestone.target_on)
    trend = forecast.fit(series)
    targets = [Target(m.target_on, m.target_value, trend.at(m.target_on) if trend else None)
               for m in indicator.milestones]
    pace_services = (_services_a_month(overall, milestone.target_value, as_of,
                                       milestone.target_on)
                     if indicator.measure in COUNTED_IN_SERVICES else None)
    return IndicatorReport(
        indicator=indicator, value=value,
        numerator=overall.numerator if overall else None,
        denominator=overall.denominator if overall else None,
        target=milestone.target_value, target_on=milestone.target_on,
        projected=outlook.projected, status=outlook.status, pace=outlook.pace,
        pace_services=pace_services, slope=outlook.slope, series=series, targets=targets,
        units=[UnitValue(unit_id, name, result.units[unit_id].share
                         if result.units.get(unit_id) else None) for unit_id, name in units])


def _figures(session, indicators, as_of, with_units):
    """Each indicator's figures as of ``as_of`` and its monthly series, kept between requests
    under the catalog's stamp as one entry (one look at the stamp for the whole plan).

    The series ends with ``as_of``: its last point is the province's value, so without the
    per-unit values the measure is not asked again. The indicators are computed together
    (``measures.compute_many``): the dossier measures read the usage once between them.
    """
    specs = tuple((item.measure, tuple(sorted((item.params or {}).items())))
                  for item in indicators)
    ends = series_ends(as_of)

    def compute():
        found = measures.compute_many(session, [(name, dict(params)) for name, params in specs],
                                      as_of, ends, with_units)
        return tuple((result, [(day, value.share if value else None) for day, value in points])
                     for result, points in found)
    return kpi_cache.cached(session, ("plan", as_of, specs, with_units), compute)


def active_units(session, as_of):
    """``[(id, name)]`` of the units that existed on ``as_of``, in display order."""
    return session.execute(select(Unit.id, Unit.name).where(unit_map.unit_exists(as_of))
                           .order_by(Unit.display_order, Unit.name)).all()


def evaluate(session, plan, as_of, with_units=True):
    """Every indicator of ``plan`` as of ``as_of`` (without per-unit values unless asked)."""
    units = active_units(session, as_of) if with_units else []
    figures = _figures(session, plan.indicators, as_of, with_units)
    return PlanReport(plan=plan, as_of=as_of, indicators=[
        evaluate_indicator(indicator, as_of, found, units)
        for indicator, found in zip(plan.indicators, figures, strict=True)])


def _default_loaded(session):
    """The default plan with its indicators and targets in one statement, or None."""
    return session.scalars(select(Plan).where(Plan.is_default.is_(True)).order_by(Plan.id)
                           .options(joinedload(Plan.indicators).joinedload(Indicator.milestones))
                           ).unique().first()


def default_report(session, as_of):
    """The default plan's indicators as of ``as_of`` without per-unit values, or None.

    Two statements once the figures are kept: the plan with its indicators and targets, and
    the stamp under which the figures are kept.
    """
    plan = _default_loaded(session)
    return evaluate(session, plan, as_of, with_units=False) if plan is not None else None


@dataclass(frozen=True)
class UnitIndicator:
    """An indicator of the plan with one unit's value beside the province's."""

    report: IndicatorReport
    value: float | None  # the unit's; None when it has no data (or is inactive)


def unit_report(session, unit_id, as_of):
    """``(plan, [UnitIndicator])``: the default plan's indicators as of ``as_of`` with the
    unit's value of each, or None without a plan. Three statements once the figures are kept:
    the plan, the active units and the stamp."""
    plan = _default_loaded(session)
    if plan is None:
        return None
    report = evaluate(session, plan, as_of)
    return plan, [UnitIndicator(item, next((u.value for u in item.units
                                            if u.unit_id == unit_id), None))
                  for item in report.indicators]


def _rounded(value):
    return None if value is None else round(value, 4)


def as_json(report):
    """The plan's part of ``flask kpi --json``: ``plan`` and ``indicators``."""
    return {
        "plan": {"code": report.plan.code, "name": report.plan.name},
        "indicators": [{
            "code": item.code, "name": item.name, "measure": item.indicator.measure,
            "value": _rounded(item.value), "target": item.target,
            "target_on": item.target_on.isoformat(), "projected": _rounded(item.projected),
            "status": item.status, "pace": _rounded(item.pace),
            "pace_services": item.pace_services,
            "units": [{"unit": unit.name, "value": _rounded(unit.value)} for unit in item.units],
        } for item in report.indicators],
    }
