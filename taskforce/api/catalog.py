"""/api/v1/units, /services, /claims and the units' monthly usage: the catalog with each
service's class history, level claims and their verification, and the one-stop system's
push of a month's usage figures (create or replace, idempotent)."""

import re
from datetime import date

from flask_babel import gettext as _

from taskforce.api import schemas as s
from taskforce.api.base import (
    ApiError,
    api_blueprint,
    caller,
    change,
    get_or_404,
    paged,
    paged_list,
    read,
    refuse,
)
from taskforce.api.views import With, action
from taskforce.extensions import db
from taskforce.models import LevelChange, Service, Unit
from taskforce.services import catalog, clock, tasks, units
from taskforce.services.catalog_import import usage

bp = api_blueprint("api_catalog", "Units, the service catalog, level claims, usage figures.")

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@bp.route("/units")
@action("units.view")
@bp.arguments(s.PageQuery, location="query", as_kwargs=False)
@bp.response(200, s.page_of(s.UnitOut, "UnitPage"))
def list_units(args):
    """The active units, in the province's order."""
    return paged_list(units.list_units(db.session), dict(args))


@bp.route("/units/<int:unit_id>")
@action("units.view")
@bp.response(200, s.UnitOut)
def get_unit(unit_id):
    return get_or_404(Unit, unit_id)


@bp.route("/services")
@action("catalog.view")
@bp.arguments(s.ServiceQuery, location="query", as_kwargs=False)
@bp.response(200, s.page_of(s.ServiceOut, "ServicePage"))
def list_services(args):
    """The active services, searched by name or code, of a unit, at a level."""
    filters = catalog.Filters(q=args["q"], unit_id=args["unit"], level=args["level"])
    return paged(catalog.search(filters), dict(args))


@bp.route("/services/<int:service_id>")
@action("catalog.view")
@bp.response(200, s.ServiceDetail)
def get_service(service_id):
    """One service with its class history: every level change, oldest first."""
    service = get_or_404(Service, service_id)
    return With(service, history=catalog.history(db.session, service))


@bp.route("/services/<int:service_id>/claims", methods=["POST"])
@action("services.claim")
@bp.arguments(s.ClaimBody)
@bp.response(201, s.ClaimOut)
def claim_level(body, service_id):
    """Claim that the service reached a level; it counts once another person verifies it."""
    service = get_or_404(Service, service_id, "services.claim")
    return change(lambda: catalog.claim_level(db.session, service, actor=caller(),
                                              today=clock.today(), now=clock.now(), **body))


@bp.route("/claims")
@action("claims.verify")
@bp.arguments(s.ClaimQuery, location="query", as_kwargs=False)
@bp.response(200, s.page_of(s.ClaimOut, "ClaimPage"))
def list_claims(args):
    """The claims awaiting verification, oldest first."""
    return paged(catalog.pending_claims(args["unit"]), dict(args))


@bp.route("/claims/<int:claim_id>/verify", methods=["POST"])
@action("claims.verify")
@bp.response(200, s.ClaimOut)
def verify_claim(claim_id):
    """Verify a claim (never one's own): the service takes its level."""
    claim = get_or_404(LevelChange, claim_id, "claims.verify")
    return change(lambda: tasks.verify_claim(db.session, claim, actor=caller(),
                                             now=clock.now()))


@bp.route("/claims/<int:claim_id>/return", methods=["POST"])
@action("claims.verify")
@bp.arguments(s.ReasonBody)
@bp.response(200, s.ClaimOut)
def return_claim(body, claim_id):
    """Send a claim back to its claimant with the reason; the level does not change."""
    claim = get_or_404(LevelChange, claim_id, "claims.verify")
    return change(lambda: catalog.return_claim(db.session, claim, actor=caller(),
                                               reason=body["reason"], now=clock.now()))


def _month(text):
    match = MONTH.fullmatch(text)
    month = None
    if match and 2000 <= int(match.group(1)) <= 2099 and 1 <= int(match.group(2)) <= 12:
        month = date(int(match.group(1)), int(match.group(2)), 1)
    if month is None:
        refuse(422, _("Write the month as YYYY-MM (2000-2099)."), field="month")
    return month


def _figure(service, row):
    return {"service_id": service.id, "code": service.code, "month": f"{row.month:%Y-%m}",
            "total": row.dossiers_total, "online": row.dossiers_online,
            "paid_online": row.dossiers_paid_online, "digitised": row.dossiers_digitised}


@bp.route("/units/<int:unit_id>/usage/<month>")
@action("catalog.view")
@bp.response(200, s.UsageMonth)
def get_usage(unit_id, month):
    """A unit's usage figures of one month (YYYY-MM), by service."""
    unit, first = get_or_404(Unit, unit_id), _month(month)
    rows = usage.month_usage(db.session, unit, first)
    return {"unit_id": unit.id, "month": f"{first:%Y-%m}",
            "services": [_figure(service, row) for service, row in rows]}


def _errors(plan):
    errors = {}
    for number, message in plan.errors:
        errors.setdefault(f"services.{number - 1}", []).append(str(message))
    return errors


@bp.route("/units/<int:unit_id>/usage/<month>", methods=["PUT"])
@action("usage.push")
@bp.arguments(s.UsageBody)
@bp.response(200, s.UsagePushed)
def put_usage(body, unit_id, month):
    """Create or replace a unit's figures of one month (YYYY-MM), service by service, with
    the checks of the usage import. Sending the same figures again changes nothing."""
    unit, first = get_or_404(Unit, unit_id, "usage.push"), _month(month)
    records = [{"month": f"{first:%m/%Y}", "unit": unit.code, "code": figure["code"],
                "total": figure["total"], "online": figure["online"],
                "paid_online": figure["paid_online"], "digitised": figure["digitised"]}
               for figure in body["services"]]
    plan = read(lambda: usage.plan_usage_records(db.session, records, f"API {unit.code}",
                                                 today=clock.today()))
    if not plan.ok:
        refuse_plan(plan)
    counts = {"added": 0, "updated": 0}
    if plan.has_work:
        counts = change(lambda: usage.apply_usage_import(db.session, plan, actor=caller(),
                                                         now=clock.now()))
    return {"unit_id": unit.id, "month": f"{first:%Y-%m}", **counts,
            "unchanged": plan.unchanged}


def refuse_plan(plan):
    raise ApiError(422, _("The figures have errors, so nothing was written."),
                   errors=_errors(plan))
