"""Small helpers of the API views: the permission each view declares, objects with the extra
values a response shows, timeline entries as JSON."""

from datetime import date, datetime
from functools import wraps

from taskforce.api.base import require


def action(name):
    """Declare and check the view's action (``permissions.RULES``) for the token's user."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(name)
            return view(*args, **kwargs)

        wrapped.permission = name
        return wrapped

    return decorator


def endpoint(bp, rule, permission, *, answer=None, status=200, body=None, query=None,
             methods=("GET",)):
    """Declare a view of ``bp`` in one place: its address (``rule``, ``methods``), its action
    (``permission``), what it reads (a JSON ``body`` schema, or a ``query`` schema given as
    one dict) and what it answers (the ``answer`` schema with ``status``)."""

    def decorator(view):
        if answer is not None:
            view = bp.response(status, answer)(view)
        if body is not None:
            view = bp.arguments(body)(view)
        if query is not None:
            view = bp.arguments(query, location="query", as_kwargs=False)(view)
        return bp.route(rule, methods=methods)(action(permission)(view))

    return decorator


def public(view):
    view.permission = None
    return view


class With:
    """``obj`` as a response schema reads it, with extra values beside its attributes."""

    def __init__(self, obj, **extra):
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._obj, name)


DETAIL = ("note", "progress", "status_from", "status_to", "service_id", "from_level",
          "to_level", "status", "return_reason", "requested_due_on", "reason", "decision",
          "decision_note", "point_on")


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def entry(item):
    """One timeline entry of the task page (``services/tasks/page.Entry``) as JSON."""
    detail = {name: _plain(getattr(item.item, name)) for name in DETAIL
              if hasattr(item.item, name)}
    if getattr(item.item, "id", None) is not None and item.kind != "shortfall":
        detail["id"] = item.item.id
    detail.update({key: _plain(value) for key, value in (item.extra or {}).items()})
    if item.kind == "update":
        detail["files"] = [f.id for f in getattr(item.item, "attachments", [])]
    return {"at": item.at, "kind": item.kind,
            "actor": getattr(item.actor, "full_name", None), "detail": detail}
