"""The audit log in words: one sentence per action, the names of the fields, values as read.

The one table of how each recorded action is told ("Nguyễn Văn A đã xác minh mức độ 4 của
dịch vụ 1.001") and of the names of the fields its changes list, so that the audit page shows
no stored key (``claim.create``, ``effective_on``, ``online_payment: False``).
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from taskforce.models import Decision, Priority, TaskKind, TaskStatus

# What each action says; %(actor)s did it, %(object)s is what it was done to (the event's
# summary: a task's title, a unit's name, an address), %(level)s the level a claim names.
ACTIONS = {
    "task.create": _l("%(actor)s created the task “%(object)s”."),
    "task.assign": _l("%(actor)s assigned “%(object)s” to units with the wizard."),
    "task.edit": _l("%(actor)s edited the task “%(object)s”."),
    "task.status": _l("%(actor)s changed the status of the task “%(object)s”."),
    "task.log": _l("%(actor)s logged an update on the task “%(object)s”."),
    "task.accept": _l("%(actor)s accepted the task “%(object)s”."),
    "task.accept_shortfall": _l("%(actor)s accepted the task “%(object)s” with a shortfall."),
    "task.return": _l("%(actor)s returned the task “%(object)s” for more work."),
    "task.cancel": _l("%(actor)s cancelled the task “%(object)s”."),
    "extension.request": _l("%(actor)s asked for more time on the task “%(object)s”."),
    "extension.approve": _l("%(actor)s approved more time on the task “%(object)s”."),
    "extension.refuse": _l("%(actor)s refused more time on the task “%(object)s”."),
    "claim.create": _l("%(actor)s claimed level %(level)s for the service %(object)s."),
    "claim.verify": _l("%(actor)s verified level %(level)s of the service %(object)s."),
    "claim.return": _l("%(actor)s returned the claim of level %(level)s for the service "
                       "%(object)s."),
    "catalog.import": _l("%(actor)s imported the service catalog (%(object)s)."),
    "usage.import": _l("%(actor)s imported the monthly dossier figures (%(object)s)."),
    "scorecard.import": _l("%(actor)s imported the 766 scorecard of %(object)s."),
    "attachment.upload": _l("%(actor)s attached the file “%(object)s”."),
    "unit.create": _l("%(actor)s created the unit “%(object)s”."),
    "unit.update": _l("%(actor)s changed the unit “%(object)s”."),
    "unit.feed_reset": _l("%(actor)s renewed the calendar address of the unit “%(object)s”."),
    "reorganisation.record": _l("%(actor)s recorded the reorganisation %(object)s."),
    "reorganisation.apply": _l("%(actor)s handed the work of the reorganised units to "
                               "%(object)s."),
    "user.create": _l("%(actor)s created the account %(object)s."),
    "user.update": _l("%(actor)s changed the account %(object)s."),
    "user.password": _l("%(actor)s changed their password."),
    "user.password_reset": _l("%(actor)s set a new password for %(object)s."),
    "user.calendar_reset": _l("%(actor)s renewed the calendar address of %(object)s."),
    "user.2fa_on": _l("%(actor)s turned on two-step log-in."),
    "user.2fa_off": _l("%(actor)s turned off two-step log-in for %(object)s."),
    "member.create": _l("%(actor)s added %(object)s to the task force."),
    "member.update": _l("%(actor)s changed the roster entry of %(object)s."),
    "settings.update": _l("%(actor)s changed the settings."),
    "review.build": _l("%(actor)s made a review."),
    "review.send": _l("%(actor)s e-mailed a review."),
    "review.letter": _l("%(actor)s made the reminder letter %(object)s."),
    "outbox.send_again": _l("%(actor)s sent the e-mail to %(object)s again."),
    "plan.create": _l("%(actor)s created the plan “%(object)s”."),
    "plan.update": _l("%(actor)s changed the plan “%(object)s”."),
    "plan.default": _l("%(actor)s made “%(object)s” the default plan."),
    "plan.delete": _l("%(actor)s deleted the plan “%(object)s”."),
    "token.create": _l("%(actor)s created the access token “%(object)s”."),
    "token.revoke": _l("%(actor)s revoked the access token “%(object)s”."),
    "mail.preference": _l("%(actor)s changed how %(object)s receives e-mail."),
    "webhook.create": _l("%(actor)s registered the webhook %(object)s."),
    "webhook.update": _l("%(actor)s changed the webhook %(object)s."),
    "webhook.delete": _l("%(actor)s removed the webhook %(object)s."),
    "webhook.test": _l("%(actor)s sent a test event to the webhook %(object)s."),
    "webhook.pause": _l("%(actor)s paused the webhook %(object)s after a day of failures."),
}

# The names of the fields an event's changes list.
FIELDS = {
    "kind": _l("Kind"),
    "title": _l("Title"),
    "description": _l("Description"),
    "due_on": _l("Due date"),
    "priority": _l("Priority"),
    "unit_id": _l("Unit"),
    "assignee_id": _l("Member"),
    "follower_id": _l("Member following it up"),
    "services": _l("Services"),
    "tasks": _l("Tasks"),
    "units": _l("Units"),
    "status": _l("Status"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "progress": _l("Progress (%)"),
    "files": _l("Files attached"),
    "verified": _l("Verified"),
    "extension_id": _l("Extension request"),
    "decision": _l("Decision"),
    "level": _l("Level"),
    "service_level": _l("Level of the service"),
    "effective_on": _l("In effect since"),
    "prerequisites": _l("Level 4 checklist"),
    "online_processing": _l("Dossiers submitted and processed online"),
    "online_payment": _l("Fees paid online"),
    "online_result": _l("Result returned online or by post"),
    "evaluation": _l("Connected to the evaluation system"),
    "added": _l("Rows added"),
    "updated": _l("Rows updated"),
    "level_changes": _l("Level changes"),
    "name": _l("Name"),
    "code": _l("Code"),
    "email": _l("E-mail"),
    "full_name": _l("Full name"),
    "role": _l("Role"),
    "is_active": _l("Active"),
    "focal_email": _l("Focal point's e-mail"),
    "notify_emails": _l("Other addresses to notify"),
    "parent_id": _l("Parent unit"),
    "position": _l("Position"),
    "phone": _l("Phone"),
    "locale": _l("Language of the e-mails"),
    "mode": _l("How the e-mails come"),
    "scope": _l("Scope"),
    "user_id": _l("Account"),
    "expires_at": _l("Expires"),
    "indicators": _l("Indicators"),
    "target_share": _l("Target share of services at level 4 (%)"),
    "target_on": _l("Date by which the target must be reached"),
    "national_share": _l("National share for comparison (%)"),
    "class_switch_on": _l("Classes named “full online” / “partial online” from"),
    "reminder_policy": _l("Deadline reminders"),
    "days_before": _l("Working days before the due date"),
    "on_due_day": _l("Remind on the due day"),
    "overdue_every": _l("While overdue, every … working days"),
    "escalate_after": _l("Escalate after … working days"),
    "workdays_only": _l("Working days only"),
    "imports_need_second_check": _l("Imported levels await a second person's verification"),
    "extra_days_off": _l("Extra days off"),
    "makeup_workdays": _l("Make-up working days"),
}
# The values of these fields are stored enum values: shown by their words.
_WORDED = {"kind": TaskKind, "status": TaskStatus, "decision": Decision, "priority": Priority}
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# A claim's summary, as services/catalog.py writes it: "1.001 · 3 → 4".
_CLAIM = re.compile(r"(?P<code>.+?) · (?P<before>\S+) → (?P<after>\S+)")


def sentence(event):
    """What the event tells, as a sentence in the request's language."""
    actor = event.actor.full_name if event.actor else _("The system")
    words = ACTIONS.get(event.action)
    if words is None:
        return _("%(actor)s: %(action)s.", actor=actor, action=event.action)
    subject = event.summary or ""
    level = ""
    claim = _CLAIM.fullmatch(subject)
    if claim:
        subject, level = claim["code"], claim["after"]
    return str(words) % {"actor": actor, "object": subject, "level": level}


def field_name(key):
    """The name of a changed field in words; an unknown key as it is stored."""
    return str(FIELDS.get(key, key))


def value_text(value, key=None):
    """A stored value as a reader reads it: yes/no, dd/mm/yyyy, an enum's word, "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return ", ".join(f"{field_name(k)}: {value_text(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(v, key) for v in value) or "—"
    if isinstance(value, str):
        if key in _WORDED:
            return _WORDED[key].word(value)
        day = _ISO_DAY.fullmatch(value)
        if day:
            return f"{day[3]}/{day[2]}/{day[1]}"
    return str(value)


# Keys whose list value is a set of items rather than an [old, new] pair.
LIST_KEYS = frozenset({"services", "codes", "files", "tasks", "units", "days_before",
                       "extra_days_off", "makeup_workdays", "notify_emails"})


def describe_changes(changes):
    """[(field name, text)] of an event's changes; an [old, new] pair reads "old → new"."""
    if not isinstance(changes, dict):
        return [("", value_text(changes))] if changes else []
    lines = []
    for key, value in changes.items():
        if isinstance(value, list) and len(value) == 2 and key not in LIST_KEYS:
            lines.append((field_name(key),
                          f"{value_text(value[0], key)} → {value_text(value[1], key)}"))
        else:
            lines.append((field_name(key), value_text(value, key)))
    return lines
