"""``flask kpi``: the share of services at level 4, per unit and for the province, and the
default plan's indicators (or another plan's, ``--plan CODE``)."""

import json

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.services import clock, kpi, kpi_cache, kpi_store, plans
from taskforce.services.errors import DomainError


def N_(message):
    """Mark a heading for extraction; it is translated when the table is printed."""
    return message


# The columns and their headings, translated when the table is printed.
COLUMNS = (("services", N_("Services")), ("level3", N_("Level 3")),
           ("level4", N_("L4 claimed")), ("level4_verified", N_("L4 verified")),
           ("share", N_("Share")), ("share_verified", N_("Share verified")),
           ("to_target", N_("To target")))
NAME_WIDTH = 40
CELL_WIDTH = 7  # "100.00%" fits


def _check_date(ctx, param, value):
    if value is None:
        return None
    try:
        return kpi.check_as_of(value.date())
    except DomainError as error:
        raise click.BadParameter(error.message, ctx=ctx, param=param) from None


def _cell(key, value):
    return f"{value:.2%}" if key.startswith("share") else str(value)


def _line(name, cells):
    name = name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1] + "…"
    widths = [max(len(_(title)), CELL_WIDTH) for _key, title in COLUMNS]
    cells = [cell.rjust(width) for cell, width in zip(cells, widths, strict=True)]
    return f"{name:<{NAME_WIDTH}}  " + "  ".join(cells)


def _row(name, figures):
    return _line(name, [_cell(key, figures[key]) for key, _title in COLUMNS])


def _share(value):
    return _("no data") if value is None else f"{value:.2%}"


def _indicator_line(item):
    projected = _("cannot forecast yet") if item["projected"] is None \
        else _("projected %(share)s", share=_share(item["projected"]))
    return f"  {item['code']}: {item['name']} — " + _(
        "%(value)s, target %(target)s by %(day)s, %(projected)s, %(status)s",
        value=_share(item["value"]), target=_share(item["target"]), day=item["target_on"],
        projected=projected, status=item["status"].replace("_", " "))


def _table(data):
    lines = [_("Share of services at level 4 as of %(day)s (target %(target)s)",
               day=data["as_of"], target=f"{data['target']:.0%}"),
             _line(_("Unit"), [_(title) for _key, title in COLUMNS])]
    lines += [_row(unit["name"], unit) for unit in data["units"]]
    lines.append(_row(_("Province"), data["province"]))
    if data.get("plan"):
        lines.append(_("Plan %(code)s: %(name)s", code=data["plan"]["code"],
                       name=data["plan"]["name"]))
        lines += [_indicator_line(item) for item in data["indicators"]]
    return "\n".join(lines)


def _plan(code):
    if code is None:
        return plans.default_plan(db.session)
    try:
        return plans.by_code(db.session, code)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="--plan") from None


@click.group("kpi", invoke_without_command=True)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              callback=_check_date, help="The date of the figures (YYYY-MM-DD). Default: today.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--target", type=click.FloatRange(0, 1), default=None,
              help="The target share, e.g. 0.30. Default: the setting.")
@click.option("--plan", "plan_code", default=None, metavar="CODE",
              help="The plan whose indicators to add. Default: the default plan.")
@click.pass_context
@with_appcontext
def kpi_command(ctx, as_of, as_json, target, plan_code):
    """Print the share of services at level 4 per unit and for the province, and the plan's
    indicators: value, target, projection and status."""
    if ctx.invoked_subcommand is not None:
        return
    as_of = as_of or clock.today()
    plan = _plan(plan_code)
    data = kpi.as_json(db.session, as_of, target)
    if plan is not None:
        data.update(plans.as_json(plans.evaluate(db.session, plan, as_of)))
    else:
        data.update({"plan": None, "indicators": []})
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(_table(data))


@kpi_command.command("rebuild")
@with_appcontext
def rebuild_command():
    """Write the stored figures again from the level history (after an upgrade, or rows
    written around the application)."""
    connection = db.session.connection()
    months = kpi_store.rebuild(connection, clock.today())
    kpi_cache.new_stamp(connection)
    db.session.commit()
    click.echo(_("Stored figures written again: %(months)s month ends.", months=months))
