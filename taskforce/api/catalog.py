"""/api/v1/units, /services, /claims and the units' monthly usage: the catalog with each
service's class history, level claims and their verification, and the one-stop system's
push of a month's usage figures (create or replace, idempotent)."""

import re
from datetime import date

from flask_babel import gettext as _

from taskforce.api import schemas as s
from taskforce.api.base import (
    ApiError,
    act,
    api_blueprint,
    get_or_404,
    paged,
    paged_list,
    read,
    refuse,
)
from taskforce.api.views import With, endpoint
from taskforce.extensions import db
from taskforce.models import LevelChange, Service, Unit
from taskforce.services import catalog, clock, tasks, units
from taskforce.services.catalog_import import usage

bp = api_blueprint("api_catalog", "Units, the service catalog, level claims, usage figures.")

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@endpoint(bp, "/units", "units.view", query=s.PageQuery, answer=s.page_of(s.UnitOut, "UnitPage"))
def list_units(args):
    """The active units, in the province's order."""
    return paged_list(units.list_units(db.session), dict(args))


@endpoint(bp, "/units/<int:unit_id>", "units.view", answer=s.UnitOut)
def get_unit(unit_id):
    return get_or_404(Unit, unit_id)


@endpoint(bp, "/services", "catalog.view", query=s.ServiceQuery,
          answer=s.page_of(s.ServiceOut, "ServicePage"))
def list_services(args):
    """The active services, searched by name or code, of a unit, at a level."""
    filters = catalog.Filters(q=args["q"], unit_id=args["unit"], level=args["level"])
    return paged(catalog.search(filters), dict(args))


@endpoint(bp, "/services/<int:service_id>", "catalog.view", answer=s.ServiceDetail)
def get_service(service_id):
    """One service with its class history: every level change, oldest first."""
    service = get_or_404(Service, service_id)
    return With(service, history=catalog.history(db.session, service))


@endpoint(bp, "/services/<int:service_id>/claims", "services.claim", methods=["POST"],
          body=s.ClaimBody, answer=s.ClaimOut, status=201)
def claim_level(body, service_id):
    """Claim that the service reached a level; it counts once another person verifies it."""
    return act(catalog.claim_level, get_or_404(Service, service_id, "services.claim"),
               today=True, **body)


@endpoint(bp, "/claims", "claims.verify", query=s.ClaimQuery,
          answer=s.page_of(s.ClaimOut, "ClaimPage"))
def list_claims(args):
    """The claims awaiting verification, oldest first."""
    return paged(catalog.pending_claims(args["unit"]), dict(args))


@endpoint(bp, "/claims/<int:claim_id>/verify", "claims.verify", methods=["POST"],
          answer=s.ClaimOut)
def verify_claim(claim_id):
    """Verify a claim (never one's own): the service takes its level."""
    return act(tasks.verify_claim, get_or_404(LevelChange, claim_id, "claims.verify"))


@endpoint(bp, "/claims/<int:claim_id>/return", "claims.verify", methods=["POST"],
          body=s.ReasonBody, answer=s.ClaimOut)
def return_claim(body, claim_id):
    """Send a claim back to its claimant with the reason; the level does not change."""
    return act(catalog.return_claim, get_or_404(LevelChange, claim_id, "claims.verify"),
               reason=body["reason"])


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


@endpoint(bp, "/units/<int:unit_id>/usage/<month>", "catalog.view", answer=s.UsageMonth)
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


@endpoint(bp, "/units/<int:unit_id>/usage/<month>", "usage.push", methods=["PUT"],
          body=s.UsageBody, answer=s.UsagePushed)
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
        counts = act(usage.apply_usage_import, plan)
    return {"unit_id": unit.id, "month": f"{first:%Y-%m}", **counts,
            "unchanged": plan.unchanged}


def refuse_plan(plan):
    raise ApiError(422, _("The figures have errors, so nothing was written."),
                   errors=_errors(plan))
