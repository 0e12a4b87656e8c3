"""A review as an Excel workbook and as a Word report in the official administrative layout.

Both are drawn from the stored snapshot alone, so they never change after the review
is made. The Word report follows the layout of Decree 30/2020/NĐ-CP: the issuing body
and the number on the left, the national motto, place and date on the right, the title,
the body, "Nơi nhận" and the signature. Those formulas are fixed Vietnamese text, as in
every administrative document; the body follows the reader's language.
"""

from datetime import date

from flask import current_app
from flask_babel import force_locale, format_decimal, format_percent, pgettext
from flask_babel import gettext as _

from taskforce.models import ReviewKind, UnitKind
from taskforce.services import (
    exports,
    indicator_words,
    official_docx,
    reviews,
    scorecard,
    settings,
)

DOCUMENT_TYPE = "BÁO CÁO"
DOCX_MIMETYPE = official_docx.DOCX_MIMETYPE


# Settings of the report's header --------------------------------------------------------------

def report_header(session):
    """The report's fixed parts from the settings, with defaults from the configuration.

    Keys: ``report_province`` (place name), ``report_parent_body``, ``report_issuer``,
    ``report_symbol`` (after the number, e.g. BC-TCT) and ``report_recipients`` (a list).
    """
    values = settings.report_values(session)
    return {
        "province_name": values["report_province"],
        "issuer": exports.letterhead(session, None).issuer,
        "symbol": values["report_symbol"],
        "recipients": values["report_recipients"],
    }


# Shared formatting ----------------------------------------------------------------------------

def _day(value):
    return date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _pct(value):
    return format_percent(value or 0, "#,##0.00 %")


def _num(value):
    return format_decimal(value or 0, "#,##0")


def _points(value):
    """A change of share in percentage points, signed."""
    return format_decimal((value or 0) * 100, "+#,##0.00;-#,##0.00")


def _signed(value):
    return format_decimal(value, "+#,##0;-#,##0") if value else "±0"


def _class_labels():
    # In the order of reviews.CLASSES; a review made before "done with a shortfall" existed
    # counts none.
    return {"done_on_time": _("Done on time"), "done_late": _("Done late"),
            "done_short": _("Done with a shortfall"),
            "open_on_time": _("Open, within the deadline"), "open_overdue": _("Open, overdue")}


def _since(snapshot):
    return _day(snapshot["baseline"]["as_of"]) if snapshot.get("baseline") else ""


# Excel ----------------------------------------------------------------------------------------

def file_name(review, extension):
    """``so-ket-thang-11-2020.xlsx``, ``so-ket-tuan-2020-10-05-2020-10-11.docx``."""
    start, end = review.period_start, review.period_end
    if review.kind == ReviewKind.MONTHLY:
        return exports.file_name("so-ket-thang", f"{start:%m-%Y}", extension=extension)
    kind = "so-ket-tuan" if review.kind == ReviewKind.WEEKLY else "so-ket"
    return exports.file_name(kind, start.isoformat(), end.isoformat(), extension=extension)


def _date(value):
    return date.fromisoformat(value) if value else None


def review_xlsx(review, letter=None):
    """The review as an .xlsx file (bytes): a summary, the units and the task lists.

    ``letter`` is the title block's :class:`exports.Letterhead`; by default the task force
    as configured, on the review's date.
    """
    s = review.snapshot
    title, period = reviews.review_title(review), _period(s)
    letter = letter or exports.Letterhead(issuer=_default_issuer(),
                                          made_on=date.fromisoformat(s["issued_on"]))

    def sheet(name, headers, rows, kinds=None):
        return exports.Sheet(name, headers, rows, title=f"{title} – {name}", period=period,
                             kinds=kinds or {})

    return exports.workbook([
        sheet(_("Summary"), [_("Figure"), _("Value"), _("Change since %(date)s",
                                                         date=_since(s))],
              _summary_rows(s)),
        sheet(_("Units"), _unit_headers(), [_unit_cells(row) for row in s["units"]],
              {6: exports.PERCENT, 7: exports.POINTS}),
        sheet(_("Furthest behind"), [_("Unit"), _("Share verified (%)"), _("Still to upgrade")],
              [[row["name"], row["share_verified"] or 0, row["to_target"]]
               for row in s["behind"]], {1: exports.PERCENT}),
        sheet(_("Awaiting acceptance"), [_("Task"), _("Unit"), _("Due date"), _("Reported on")],
              [[t["title"], t["unit"], _date(t["due_on"]), _date(t.get("reported_on"))]
               for t in s["awaiting_acceptance"]["items"]]),
        sheet(_("Due in the next days"), [_("Task"), _("Unit"), _("Due date"),
                                          _("Progress (%)")],
              [[t["title"], t["unit"], _date(t["due_on"]), t.get("progress")]
               for t in s["due_soon"]["items"]]),
        sheet(_("Extensions granted"), [_("Task"), _("Unit"), _("Previous due date"),
                                        _("New due date"), _("Decided on")],
              [[t["title"], t["unit"], _date(t["previous_due_on"]), _date(t["granted_due_on"]),
                _date(t["decided_on"])] for t in s["extensions"]["items"]]),
        *([sheet(_("766 scorecard"), _score_headers(), _score_rows(s["scorecard"]),
                 {1: exports.NUMBER, 2: exports.NUMBER, 4: exports.NUMBER})]
          if s.get("scorecard") else []),
        *([sheet(pgettext("sheet", "Indicators"), _indicator_headers(),
                 [_indicator_cells(item) for item in reviews.indicator_items(s)],
                 {2: exports.PERCENT, 3: exports.PERCENT, 5: exports.PERCENT})]
          if s.get("indicators") else []),
    ], letter)


def _indicator_headers():
    return [_("Code"), _("Indicator"), _("Value"), _("Target"), _("Target date"),
            _("Projected"), _("Status"), _("Pace needed")]


def _indicator_cells(item):
    return [item["code"], item["name"], item["value"] if item["value"] is not None else "",
            item["target"], _date(item["target_on"]),
            item["projected"] if item["projected"] is not None else "",
            indicator_words.status_word(item["status"]),
            indicator_words.pace_text(item.get("pace"), item.get("pace_services"))]


def letterhead(session, review):
    """The title block of the review's workbook: the task force as set, the review's date."""
    return exports.letterhead(session, date.fromisoformat(review.snapshot["issued_on"]))


def _default_issuer():
    config = current_app.config
    return (config["REPORT_PARENT_BODY"] or f"UBND TỈNH {config['PROVINCE_NAME'].upper()}",
            config["REPORT_ISSUER"])


def _period(s):
    return _("Period %(start)s – %(end)s", start=_day(s["start"]), end=_day(s["end"]))


def _summary_rows(s):
    p, m = s["province"], s.get("movement") or {}

    def share(key, source):
        return exports.Percent(source[key] or 0) if key in source else ""

    rows = [
        [_("Services"), p["services"], m.get("services", "")],
        [_("Level 3 (verified)"), p["level3"], m.get("level3", "")],
        [_("Level 4 (claimed)"), p["level4"], m.get("level4", "")],
        [_("Level 4 (verified)"), p["level4_verified"], m.get("level4_verified", "")],
        [_("Share claimed (%)"), share("share", p), share("share", m)],
        [_("Share verified (%)"), share("share_verified", p), share("share_verified", m)],
        [_("Target (%)"), exports.Percent(s["target"]), ""],
        [_("Still to upgrade"), p["to_target"], m.get("to_target", "")],
        [_("Effective level 4"), p["effective4"], m.get("effective4", "")],
        [_("Effective share (%)"), share("effective_share", p), share("effective_share", m)],
    ]
    rows += [[text, s["tasks"].get(key, 0), ""] for key, text in _class_labels().items()]
    rows += [[_("Tasks in all"), s["tasks"]["total"], ""],
             [_("Reported done, awaiting acceptance"), s["awaiting_acceptance"]["total"], ""],
             [_("Due in the next %(days)s days", days=s["due_soon"]["days"]),
              s["due_soon"]["total"], ""],
             [_("Extensions granted in the period"), s["extensions"]["total"], ""]]
    return rows


def _unit_headers():
    return [_("Unit"), _("Kind"), _("Services"), _("Level 3"), _("Level 4 (claimed)"),
            _("Level 4 (verified)"), _("Share verified (%)"), _("Change (points)"),
            _("Still to upgrade"), _("Effective level 4"), *_class_labels().values()]


def _unit_cells(row):
    change = row["movement"]["share_verified"] if row.get("movement") else None
    return [row["name"], UnitKind.word(row["kind"]), row["services"], row["level3"],
            row["level4"], row["level4_verified"], row["share_verified"] or 0,
            round(change * 100, 2) if change is not None else "", row["to_target"],
            row["effective4"], *(row["tasks"].get(key, 0) for key in reviews.CLASSES)]


def workbook_of(session, review):
    """The review's workbook under the task force's title block, in the current language."""
    return review_xlsx(review, letterhead(session, review))


# Word -----------------------------------------------------------------------------------------

def report_of(session, review):
    """The review's Word report with its chart, the header from the settings. An official
    report of a Vietnamese authority is written in Vietnamese, whoever asks for it."""
    with force_locale("vi"):
        return review_docx(review, chart_png=reviews.chart(review, "png"),
                           **report_header(session))


def review_docx(review, *, province_name, issuer, symbol="BC-TCT", recipients=None,
                chart_png=None):
    """The review as a Word report (bytes) laid out like an official administrative report.

    ``issuer`` is the issuing body's lines, the superior body first (e.g.
    ``("UBND TỈNH BẮC KẠN", "TỔ CÔNG TÁC")``); ``chart_png`` the trend chart, placed in the
    first section where its text refers to it.
    """
    s = review.snapshot
    issued = date.fromisoformat(s["issued_on"])
    title = reviews.review_title(review)
    doc = official_docx.new_document(author=list(issuer)[-1], title=f"{DOCUMENT_TYPE} {title}",
                                     subject=_("Online public services at level 4"),
                                     made_on=issued)
    official_docx.header_block(doc, issuer=issuer, number=f"{review.number or '      '}/{symbol}",
                               place=province_name, day=issued)
    doc.add_paragraph()
    official_docx.line(doc, DOCUMENT_TYPE, bold=True)
    official_docx.line(doc, title, bold=True)
    official_docx.line(doc, "───────", size=8)
    _body(doc, s, chart_png)
    signer = s.get("signer") or {}
    official_docx.closing(doc, recipients=recipients if recipients is not None
                          else settings.DEFAULT_REPORT_RECIPIENTS, issuer=issuer,
                          signer_title="TỔ TRƯỞNG", signer_name=signer.get("name", ""))
    return official_docx.to_bytes(doc)


_heading, _text = official_docx.heading, official_docx.text


def _table(doc, headers, rows, numeric=()):
    return official_docx.table(doc, headers, rows, numeric=numeric)


def _body(doc, s, chart_png=None):
    p, m = s["province"], s.get("movement")
    _heading(doc, _("I. Share of services at level 4"))
    _text(doc, _("As of %(date)s the province has %(services)s online public services; "
                 "%(verified)s are at level 4 and verified (%(share)s), %(claimed)s counting the "
                 "claims awaiting verification (%(share_claimed)s). The target is %(target)s; "
                 "services still to bring to level 4 to reach it: %(missing)s.",
                 date=_day(s["end"]), services=_num(p["services"]),
                 verified=_num(p["level4_verified"]), share=_pct(p["share_verified"]),
                 claimed=_num(p["level4"]), share_claimed=_pct(p["share"]),
                 target=_pct(s["target"]), missing=_num(p["to_target"])))
    if m:
        _text(doc, _("Change since %(date)s: level-4 services (verified) %(delta)s, share "
                     "%(points)s percentage points.", date=_since(s),
                     delta=_signed(m["level4_verified"]), points=_points(m["share_verified"])))
    if chart_png:
        _text(doc, _("Figure 1 shows the share verified at level 4 month by month against "
                     "the target."))
        official_docx.picture(doc, chart_png,
                              _("Figure 1. Share of services verified at level 4"))
    _text(doc, _("Effectiveness: %(effective)s of the %(verified)s verified level-4 services "
                 "received online dossiers in the last three months (%(share)s).",
                 effective=_num(p["effective4"]), verified=_num(p["level4_verified"]),
                 share=_pct(p["effective_share"])))
    _table(doc, [_("Unit"), _("Services"), _("Level 4 (verified)"), _("Share"),
                 _("Change (points)"), _("Still to upgrade")],
           [[row["name"], _num(row["services"]), _num(row["level4_verified"]),
             _pct(row["share_verified"]),
             _points(row["movement"]["share_verified"]) if row.get("movement") else "",
             _num(row["to_target"])] for row in s["units"] if row["services"]],
           numeric=(1, 2, 3, 4, 5))
    _tasks_section(doc, s)
    _heading(doc, _("III. Units furthest behind"))
    if s["behind"]:
        for row in s["behind"]:
            _text(doc, _("- %(unit)s: %(share)s at level 4, %(missing)s services still to "
                         "upgrade.", unit=row["name"], share=_pct(row["share_verified"]),
                         missing=_num(row["to_target"])))
    else:
        _text(doc, _("Every unit has reached the target."))
    _indicators_section(doc, s)
    _scorecard_section(doc, s)


def _score_headers():
    return [_("Unit"), _("Total"), _("Under"), _("Weakest group"), _("Points short")]


def _score_rows(card):
    """The province first, then the units under the thresholds, as the review kept them."""
    province = card.get("province")
    rows = [[_("The province"), province["total"], None, None, None]] if province else []
    return rows + [[unit["name"], unit["total"], unit["under"],
                    scorecard.group_label(unit["weakest"]), unit["weakest_gap"]]
                   for unit in card["under"]]


def _scorecard_section(doc, s):
    """The 766 scorecard as the review kept it (none before a table was imported)."""
    card = s.get("scorecard")
    if not card:
        return
    # After the plan's indicators (IV) when the review has them.
    number = "V" if s.get("indicators") else "IV"
    _heading(doc, _("%(number)s. 766 scorecard: %(period)s", number=number,
                    period=scorecard.parse_period(card["period"]).words))
    if card.get("province"):
        _text(doc, _("The province scored %(total)s, national rank %(rank)s.",
                     total=_score(card["province"]["total"]),
                     rank=card["province"]["national_rank"] or "–"))
    if not card["under"]:
        _text(doc, _("No unit is under %(high)s points.", high=_score(card["high"])))
        return
    _table(doc, [_("Unit"), _("Total"), _("Under"), _("Weakest group"), _("Points short")],
           [[unit["name"], _score(unit["total"]), _score(unit["under"]),
             scorecard.group_label(unit["weakest"]), _score(unit["weakest_gap"])]
            for unit in card["under"]],
           numeric=(1, 2, 4))


def _score(value):
    return format_decimal(value, "#,##0.##")


def _indicators_section(doc, s):
    """The default plan's indicators as the review kept them (none for an older review)."""
    if not s.get("indicators"):
        return
    _heading(doc, _("IV. Indicators of the plan: %(name)s", name=s["indicators"]["plan"]["name"]))
    _table(doc, [_("Indicator"), _("Value"), _("Target"), _("Target date"), _("Projected"),
                 _("Status"), _("Pace needed")],
           [[f'{item["code"]} {item["name"]}',
             _pct(item["value"]) if item["value"] is not None else _("no data"),
             _pct(item["target"]), _day(item["target_on"]),
             _pct(item["projected"]) if item["projected"] is not None else "—",
             indicator_words.status_word(item["status"]),
             indicator_words.pace_text(item.get("pace"), item.get("pace_services"))]
            for item in reviews.indicator_items(s)],
           numeric=(1, 2, 4))


def _tasks_section(doc, s):
    labels = _class_labels()
    _heading(doc, _("II. Tasks"))
    _table(doc, [*labels.values(), _("In all")],
           [[_num(s["tasks"].get(key, 0)) for key in labels] + [_num(s["tasks"]["total"])]],
           numeric=range(len(labels) + 1))
    _text(doc, _("Reported done and awaiting acceptance: %(count)s.",
                 count=_num(s["awaiting_acceptance"]["total"])))
    due = s["due_soon"]
    _text(doc, _("Due in the next %(days)s days: %(count)s.", days=due["days"],
                 count=_num(due["total"])))
    if due["items"]:
        _table(doc, [_("Task"), _("Unit"), _("Due date")],
               [[t["title"], t["unit"], _day(t["due_on"])] for t in due["items"]])
    ext = s["extensions"]
    _text(doc, _("Extensions granted in the period: %(count)s.", count=_num(ext["total"])))
    if ext["items"]:
        _table(doc, [_("Task"), _("Unit"), _("Previous due date"), _("New due date")],
               [[t["title"], t["unit"], _day(t["previous_due_on"]), _day(t["granted_due_on"])]
                for t in ext["items"]])
