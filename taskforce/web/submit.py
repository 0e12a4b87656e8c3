"""The one place where a view runs a service and answers its refusal.

A view parses its input, hands one service call to ``submit`` (a change: committed, or
rolled back and shown) or to ``attempt`` (a reading or a check: nothing committed), then
responds from the outcome.
"""

from typing import Any, NamedTuple

from flask import flash

from taskforce.extensions import db
from taskforce.services.errors import DomainError


class Outcome(NamedTuple):
    """What a service call gave: ``ok`` and its value, or the DomainError that refused it."""

    ok: bool
    value: Any = None
    error: DomainError | None = None


# The form was not posted, or not valid: the call did not run.
NOT_RUN = Outcome(ok=False)


def attempt(call, *, form=None):
    """Run ``call``, a reading or a check that may refuse; nothing is committed or rolled back.

    The refusal is shown on ``form`` when one is given.
    """
    try:
        return Outcome(ok=True, value=call())
    except DomainError as error:
        if form is not None:
            _apply_error(form, error)
        return Outcome(ok=False, error=error)


def submit(call, success=None, *, form=None, category="success", above=False):
    """Run ``call`` as the request's change, once ``form`` (when given) is posted and valid.

    On success commit and flash ``success``: a message, or a function of the call's value
    that gives one (or None for no message). On a refusal roll back and show its message on
    ``form`` (under the field it names, or above the whole form with ``above``), or flash it
    when there is no form.
    """
    if form is not None and not form.validate_on_submit():
        return NOT_RUN
    outcome = attempt(call)
    if not outcome.ok:
        db.session.rollback()
        _show(outcome.error, form, above)
        return outcome
    db.session.commit()
    message = success(outcome.value) if callable(success) else success
    if message:
        flash(message, category)
    return outcome


def _show(error, form, above):
    if form is None:
        flash(error.message, "error")
    else:
        _apply_error(form, error, above=above)


def _apply_error(form, error, *, above=False):
    """Show a domain error under the field it names, or above the form; each of several."""
    for each in getattr(error, "errors", None) or [error]:
        _apply_one(form, each, above)


def _apply_one(form, error, above):
    field = getattr(form, error.field, None) if error.field and not above else None
    if field is not None and hasattr(field, "errors"):
        if not isinstance(field.errors, list):
            field.errors = list(field.errors)
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)
