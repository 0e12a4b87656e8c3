"""Settings kept in the database, with defaults from the configuration."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _

from taskforce import permissions
from taskforce.models import Setting
from taskforce.services import audit, online_classes
from taskforce.services.bounds import parse_int
from taskforce.services.crontab import parse_crontab
from taskforce.services.errors import Checks, DomainError

# Whether imported levels await a second person's verification (permissions decides with it).
SECOND_CHECK = permissions.IMPORTS_NEED_SECOND_CHECK
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)


def get(session, key, default=None):
    row = session.get(Setting, key)
    return row.value if row is not None else default


def put(session, key, value, actor=None):
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        session.add(row)
    row.value = value
    row.updated_by_id = getattr(actor, "id", None)
    return row


def target_share(session):
    return float(get(session, "target_share", current_app.config["TARGET_SHARE"]))


def national_share(session):
    return float(get(session, "national_share", current_app.config["NATIONAL_SHARE"]))


def target_on(session):
    """The date by which the target share must be reached, or None when not set."""
    value = get(session, "target_on", current_app.config.get("TARGET_ON"))
    return date.fromisoformat(value) if value else None


def class_switch_on(session):
    """The date from which classes are named toàn trình / một phần rather than levels 1-4."""
    value = get(session, "class_switch_on", current_app.config.get("CLASS_SWITCH_ON"))
    return date.fromisoformat(value) if value else online_classes.DEFAULT_SWITCH_ON


# The reminder policy and the working-day calendar ---------------------------------------------

EXTRA_DAYS_OFF = "extra_days_off"
MAKEUP_WORKDAYS = "makeup_workdays"
MAX_REMINDER_DAYS = 60
MAX_LISTED_DAYS = 400
CRONTABS = ("review_weekly_cron", "review_monthly_cron")
REPORT_KEYS = ("report_province", "report_parent_body", "report_issuer", "report_symbol",
               "report_recipients")
# The "Nơi nhận" of the Word report until the settings page lists others: fixed formulas, as
# in every administrative document (see taskforce.services.review_exports).
DEFAULT_REPORT_RECIPIENTS = (
    "Thường trực Tỉnh ủy (b/c);",
    "Chủ tịch, các Phó Chủ tịch UBND tỉnh (b/c);",
    "Các thành viên Tổ công tác;",
    "Các sở, ban, ngành; UBND các huyện, thành phố;",
)


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders are made, in working days; 0 turns the overdue or escalation ones off."""

    days_before: tuple[int, ...] = (7, 3, 1)
    on_due_day: bool = True
    overdue_every: int = 3
    escalate_after: int = 5
    # Plan and send reminders and digests only on working days (no Sunday or Tết mail).
    workdays_only: bool = True


def parse_days_before(value):
    """``"7, 3, 1"`` (or a list) as distinct working-day counts, largest first.

    Raises ValueError with a readable message when a count is not a whole number in range.
    """
    items = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    days = set()
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        number = parse_int(text, low=1, high=MAX_REMINDER_DAYS)
        if number is None:
            raise ValueError(f"{text!r} is not a number of working days from 1 to "
                             f"{MAX_REMINDER_DAYS}")
        days.add(number)
    return tuple(sorted(days, reverse=True))


def check_policy_number(name, value, low=0, high=MAX_REMINDER_DAYS):
    """``value`` as an int within [low, high], or ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return value


def policy_from_config(config):
    """The default policy of the configuration (checked when the application starts)."""
    return ReminderPolicy(
        days_before=parse_days_before(config["REMINDER_DAYS_BEFORE"]),
        on_due_day=bool(config["REMINDER_ON_DUE_DAY"]),
        overdue_every=check_policy_number("REMINDER_OVERDUE_EVERY",
                                          config["REMINDER_OVERDUE_EVERY"]),
        escalate_after=check_policy_number("REMINDER_ESCALATE_AFTER",
                                           config["REMINDER_ESCALATE_AFTER"]),
        workdays_only=bool(config.get("REMINDER_WORKDAYS_ONLY", True)),
    )


def reminder_policy(session):
    """The policy in force: the settings page's values over the configuration's."""
    default = policy_from_config(current_app.config)
    stored = get(session, "reminder_policy") or {}
    return ReminderPolicy(
        days_before=tuple(stored.get("days_before", default.days_before)),
        on_due_day=bool(stored.get("on_due_day", default.on_due_day)),
        overdue_every=int(stored.get("overdue_every", default.overdue_every)),
        escalate_after=int(stored.get("escalate_after", default.escalate_after)),
        workdays_only=bool(stored.get("workdays_only", default.workdays_only)),
    )


def day_list(session, key):
    """The dates kept under ``key`` (extra days off, make-up working days), sorted."""
    return sorted({date.fromisoformat(v) for v in get(session, key) or ()})


# The settings page ----------------------------------------------------------------------------

def parse_dates(text, field):
    """Dates written one per line or separated by commas, as dd/mm/yyyy or yyyy-mm-dd."""
    days = set()
    for item in text.replace(",", "\n").replace(";", "\n").split():
        try:
            day = (datetime.strptime(item, "%d/%m/%Y").date() if "/" in item
                   else date.fromisoformat(item))
        except ValueError:
            raise DomainError(_("%(value)s is not a date (write dd/mm/yyyy).", value=item),
                              field=field) from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise DomainError(_("%(value)s is out of range.", value=item), field=field)
        days.add(day)
    if len(days) > MAX_LISTED_DAYS:
        raise DomainError(_("List at most %(count)s dates.", count=MAX_LISTED_DAYS), field=field)
    return sorted(days)


def _share(value, field):
    if value is None or not 0 < value <= 1:
        raise DomainError(_("Enter a share between 0 and 100 %."), field=field)
    return round(float(value), 6)


def _days_before(text):
    try:
        return list(parse_days_before(text or ""))
    except ValueError:
        raise DomainError(_("Enter working-day counts from 1 to %(max)s separated by commas, "
                            "for example 7, 3, 1.", max=MAX_REMINDER_DAYS),
                          field="reminder_days_before") from None


def _working_days(value, field):
    if value is None or not 0 <= value <= MAX_REMINDER_DAYS:
        raise DomainError(_("Enter a number of working days from 0 (never) to %(max)s.",
                            max=MAX_REMINDER_DAYS), field=field)
    return value


def _policy(values, workdays_only):
    checks = Checks()
    days_before = checks.run(_days_before, values["reminder_days_before"])
    numbers = {field: checks.run(_working_days, values[field], field)
               for field in ("reminder_overdue_every", "reminder_escalate_after")}
    checks.raise_any()
    return {"days_before": days_before, "on_due_day": bool(values["reminder_on_due_day"]),
            "overdue_every": numbers["reminder_overdue_every"],
            "escalate_after": numbers["reminder_escalate_after"],
            # Absent from a form that does not show it, it stays as it is.
            "workdays_only": bool(values.get("reminder_workdays_only", workdays_only))}


def current_values(session):
    """The settings page's fields as they are in force now."""
    policy = reminder_policy(session)
    return {
        "target_share": target_share(session),
        "target_on": target_on(session),
        "national_share": national_share(session),
        "class_switch_on": class_switch_on(session),
        SECOND_CHECK: permissions.imports_need_second_check(),
        "reminder_days_before": ", ".join(str(n) for n in policy.days_before),
        "reminder_on_due_day": policy.on_due_day,
        "reminder_overdue_every": policy.overdue_every,
        "reminder_escalate_after": policy.escalate_after,
        "reminder_workdays_only": policy.workdays_only,
        EXTRA_DAYS_OFF: day_list(session, EXTRA_DAYS_OFF),
        MAKEUP_WORKDAYS: day_list(session, MAKEUP_WORKDAYS),
        **{key: crontab(session, key) for key in CRONTABS},
        **report_values(session),
    }


def report_values(session):
    """The fixed parts of the Word review report (read by taskforce.services.review_exports)."""
    config = current_app.config
    return {
        "report_province": get(session, "report_province", config["PROVINCE_NAME"]),
        "report_parent_body": get(session, "report_parent_body",
                                  config["REPORT_PARENT_BODY"]) or "",
        "report_issuer": get(session, "report_issuer", config["REPORT_ISSUER"]),
        "report_symbol": get(session, "report_symbol", config["REPORT_SYMBOL"]),
        "report_recipients": list(get(session, "report_recipients", DEFAULT_REPORT_RECIPIENTS)),
    }


def _report_text(value, key, required, longest):
    text = " ".join((value or "").split())
    if required and not text:
        raise DomainError(_("This field is required."), field=key)
    if len(text) > longest:
        raise DomainError(_("Write at most %(count)s characters.", count=longest), field=key)
    return text


def _recipients(value):
    lines = [" ".join(line.split()) for line in (value or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 30 or any(len(line) > 200 for line in lines):
        raise DomainError(_("List at most 30 recipients of up to 200 characters each."),
                          field="report_recipients")
    return lines


def _report(values):
    checks = Checks()
    checked = {key: checks.run(_report_text, values[key], key, required, longest)
               for key, required, longest in (("report_province", True, 100),
                                              ("report_parent_body", False, 200),
                                              ("report_issuer", True, 200),
                                              ("report_symbol", True, 30))}
    checked["report_recipients"] = checks.run(_recipients, values["report_recipients"])
    checks.raise_any()
    return checked


def crontab(session, key):
    """The crontab of a review job: the settings page's, else the configuration's."""
    return get(session, key) or current_app.config[key.upper()]


def _crontab(value, key):
    expression = " ".join((value or "").split())
    try:
        parse_crontab(expression, ZoneInfo(current_app.config["TIMEZONE"]))
    except (ValueError, TypeError):
        raise DomainError(_("Write five fields: minute hour day month weekday, for example "
                            "30 7 * * mon."), field=key) from None
    return expression


def _crontabs(values):
    # The scheduler reads these keys (taskforce.jobs JobSpec.setting_key) and follows changes.
    checks = Checks()
    checked = {key: checks.run(_crontab, values[key], key) for key in CRONTABS}
    checks.raise_any()
    return checked


def _in_force(session):
    """The values in force, shaped as ``save`` stores them (to store only real changes)."""
    current = current_values(session)
    policy = reminder_policy(session)
    return {"target_share": current["target_share"], "national_share": current["national_share"],
            "target_on": current["target_on"].isoformat() if current["target_on"] else None,
            "class_switch_on": current["class_switch_on"].isoformat(),
            SECOND_CHECK: current[SECOND_CHECK],
            "reminder_policy": {"days_before": list(policy.days_before),
                                "on_due_day": policy.on_due_day,
                                "overdue_every": policy.overdue_every,
                                "escalate_after": policy.escalate_after,
                                "workdays_only": policy.workdays_only},
            **{key: [d.isoformat() for d in current[key]]
               for key in (EXTRA_DAYS_OFF, MAKEUP_WORKDAYS)},
            **{key: current[key] for key in CRONTABS},
            **{key: current[key] for key in REPORT_KEYS}}


def _switch_on(value):
    # Left blank, the date of the configuration (by default Decree 42/2022's 01/08/2022).
    if value is None:
        value = date.fromisoformat(current_app.config["CLASS_SWITCH_ON"])
    if not FIRST_DAY <= value <= LAST_DAY:
        raise DomainError(_("The date is out of range."), field="class_switch_on")
    return value


def _target_on(value):
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise DomainError(_("The date is out of range."), field="target_on")
    return value


def _not_both(days_off, makeup):
    both = sorted(set(days_off) & set(makeup))
    if both:
        raise DomainError(_("%(day)s cannot be both a day off and a working day.",
                            day=both[0].strftime("%d/%m/%Y")), field=MAKEUP_WORKDAYS)


def save(session, *, actor, now, values):
    """Check and store the settings page's values; audit what changed. Nothing on error.

    Every field is checked before anything is refused, so the page shows all that is wrong
    at once (a DomainErrors), not one mistake per submit.
    """
    checks = Checks()
    target = checks.run(_share, values["target_share"], "target_share")
    national = checks.run(_share, values["national_share"], "national_share")
    target_day = checks.run(_target_on, values["target_on"])
    switch_on = checks.run(_switch_on, values.get("class_switch_on"))
    policy = checks.run(_policy, values, reminder_policy(session).workdays_only)
    days_off = checks.run(parse_dates, values[EXTRA_DAYS_OFF] or "", EXTRA_DAYS_OFF,
                          default=[])
    makeup = checks.run(parse_dates, values[MAKEUP_WORKDAYS] or "", MAKEUP_WORKDAYS,
                        default=[])
    checks.run(_not_both, days_off, makeup)
    crontabs = checks.run(_crontabs, values)
    report = checks.run(_report, values)
    checks.raise_any()
    in_force = _in_force(session)
    new = {"target_share": target, "national_share": national,
           "target_on": target_day.isoformat() if target_day else None,
           "class_switch_on": switch_on.isoformat(), "reminder_policy": policy,
           # Separation of duties: absent from a form that does not show it, it stays as it is.
           SECOND_CHECK: bool(values.get(SECOND_CHECK, in_force[SECOND_CHECK])),
           EXTRA_DAYS_OFF: [d.isoformat() for d in days_off],
           MAKEUP_WORKDAYS: [d.isoformat() for d in makeup], **crontabs, **report}
    changes = {}
    for key, value in new.items():
        old = in_force[key]
        if old != value:
            changes[key] = [old, value]
            put(session, key, value, actor=actor)
    if changes:
        session.flush()
        audit.record(session, actor, "settings.update", None, now=now,
                     summary=", ".join(sorted(changes)), changes=changes)
    return changes
