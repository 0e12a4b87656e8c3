"""``flask plans list``: the plans, their legal basis, period and indicators."""

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.services import plans


def _targets(indicator):
    return ", ".join(_("%(share)s by %(day)s", share=f"{m.target_value:.0%}",
                       day=m.target_on.isoformat()) for m in indicator.milestones)


def _basis(plan):
    parts = [plan.basis_number or "", plan.basis_date.isoformat() if plan.basis_date else ""]
    return _(" of ").join(part for part in parts if part) or "-"


@click.group("plans")
def plans_group():
    """Plans (kế hoạch): indicators with dated targets."""


@plans_group.command("list")
@with_appcontext
def list_command():
    """Print every plan: code, name, basis, period, the default marker and its indicators."""
    found = plans.list_plans(db.session)
    if not found:
        click.echo(_("No plans yet."))
        return
    for plan in found:
        marker = "* " if plan.is_default else "  "
        click.echo(f"{marker}{plan.code}  {plan.name}  ("
                   + _("basis: %(basis)s; %(start)s to %(end)s", basis=_basis(plan),
                       start=plan.starts_on.isoformat(), end=plan.ends_on.isoformat()) + ")"
                   + ("  [" + _("default") + "]" if plan.is_default else ""))
        for indicator in plan.indicators:
            params = ", ".join(f"{key}={value}" for key, value in sorted(indicator.params.items()))
            click.echo(f"    {indicator.code}: {indicator.name} [{indicator.measure}"
                       f"{' ' + params if params else ''}] {_targets(indicator)}")
