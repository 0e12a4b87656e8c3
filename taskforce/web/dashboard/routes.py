"""The dashboard: the province's share of services at level 4 against the target."""

from flask import Response, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _

from taskforce.extensions import db
from taskforce.permissions import public, require
from taskforce.services import (
    charts,
    clock,
    exports,
    kpi,
    measures,
    plan_charts,
    plans,
    settings,
)
from taskforce.web.dashboard import bp
from taskforce.web.utils import as_of_arg, page_of_list

# Units per page of each table, and the most units drawn in a chart.
UNITS_PER_PAGE = 50
CHART_UNITS = 40
# An SVG may style itself but never run or fetch anything.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


@bp.route("/")
@public
def home():
    return redirect(url_for("dashboard.index"))


def _sort_args():
    sort = request.args.get("sort", "share")
    sort = sort if sort in kpi.SORTS else "share"
    return sort, request.args.get("dir") == "desc"


@bp.route("/dashboard")
@require("dashboard.view")
def index():
    as_of, date_error = as_of_arg()
    view = kpi.overview(db.session, as_of)
    sort, descending = _sort_args()
    departments, districts = kpi.split_by_kind(kpi.sort_units(view.per_unit, sort, descending))
    plan_report = plans.default_report(db.session, as_of)
    return render_template(
        "dashboard/index.html", view=view, as_of=as_of, date_error=date_error,
        departments=page_of_list(departments, "departments_page", UNITS_PER_PAGE),
        districts=page_of_list(districts, "districts_page", UNITS_PER_PAGE),
        sort=sort, descending=descending, behind=kpi.furthest_behind(view.per_unit),
        today=clock.today(), plan_report=plan_report,
        chart_projection=plan_charts.report_projection(plan_report),
        measures=measures.MEASURES,
    )


def _image(data, fmt):
    response = Response(data, mimetype="image/svg+xml" if fmt == "svg" else "image/png")
    response.headers["Cache-Control"] = "private, no-cache"
    if fmt == "svg":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response


def _trend(fmt):
    as_of, _error = as_of_arg()
    target = settings.target_share(db.session)
    points = kpi.monthly_trend(db.session, kpi.trend_start(as_of), as_of)
    labels = {"verified": _("Verified"), "claimed": _("Claimed, awaiting verification included"),
              "target": _("Target %(share)s", share=format_percent(target, "#,##0 %")),
              "projected": _("Projected"), "plan_target": _("Targets of the plan")}
    projection = plan_charts.trend_projection(db.session, as_of)
    return _image(charts.trend_chart(points, target, fmt, labels, projection), fmt)


def _units(fmt):
    as_of, _error = as_of_arg()
    target = settings.target_share(db.session)
    _province, per_unit = kpi.compute(db.session, as_of, target)
    departments, districts = kpi.split_by_kind(kpi.sort_units(per_unit, "share", True))
    group = districts if request.args.get("group") == "districts" else departments
    rows = [(unit.name, fig.share_verified) for unit, fig in group if fig.services]
    labels = {"target": _("Target %(share)s", share=format_percent(target, "#,##0 %")),
              "empty": _("No unit of this kind has services in the catalog.")}
    if len(rows) > CHART_UNITS:
        # A bar per unit stops being readable (and drawable) with hundreds of units.
        labels["title"] = _("The %(n)s units furthest behind, of %(total)s",
                            n=CHART_UNITS, total=len(rows))
        rows = rows[-CHART_UNITS:]
    chart = charts.unit_bars(rows, target, fmt, labels,
                             format_share=lambda v: format_percent(v, "#,##0.0 %"))
    return _image(chart, fmt)


def _chart_view(draw, fmt):
    @require("dashboard.view")
    def view():
        return draw(fmt)

    return view


# Each chart as an SVG for the page and a PNG to download: dashboard.trend_svg, .trend_png,
# .units_svg and .units_png.
for _fmt in ("svg", "png"):
    bp.add_url_rule(f"/dashboard/trend.{_fmt}", f"trend_{_fmt}", _chart_view(_trend, _fmt))
    bp.add_url_rule(f"/dashboard/units.{_fmt}", f"units_{_fmt}", _chart_view(_units, _fmt))


@bp.route("/dashboard/export.xlsx")
@require("dashboard.view")
def export():
    as_of, _error = as_of_arg()
    data = kpi.export_table(db.session, as_of, today=clock.today())
    name = exports.file_name("chi-so-kpi", as_of.isoformat())
    return Response(data, mimetype=exports.XLSX_MIMETYPE,
                    headers={"Content-Disposition": exports.disposition(name)})
