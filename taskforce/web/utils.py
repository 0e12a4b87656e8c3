"""Small helpers shared by the views."""

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from werkzeug.routing import IntegerConverter, ValidationError

from taskforce.services import clock, kpi
from taskforce.services.bounds import parse_int
from taskforce.web.submit import attempt

# Past this page a list is not being read but probed; the number also keeps OFFSET small.
MAX_PAGE = 999_999


def page_arg(name="page"):
    """The requested page number, 1 when missing or nonsense."""
    return parse_int(request.args.get(name), low=1, high=MAX_PAGE) or 1


def paginate(db, query, per_page=None):
    return db.paginate(query, page=page_arg(), per_page=per_page or current_app.config[
        "PAGE_SIZE"], error_out=False)


def as_of_arg():
    """The ``as_of`` date asked for, or today and a message saying why the date was refused."""
    text = request.args.get("as_of", "").strip()
    if not text:
        return clock.today(), None
    parsed = attempt(lambda: kpi.parse_as_of(text))
    return (parsed.value, None) if parsed.ok else (clock.today(), parsed.error.message)


def upload_settings():
    """Where evidence files go and how large one may be, as the services take them."""
    config = current_app.config
    return {"upload_dir": config["UPLOAD_DIR"], "max_bytes": config["MAX_UPLOAD_BYTES"]}


def int_arg(name):
    """The query argument ``name`` as a whole number a column can hold, or None."""
    return parse_int(request.args.get(name))


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: ASCII digits within the database's range, else a 404.

    Werkzeug's own takes any Unicode digit ("/tasks/١" would be task 1) and any size, which
    PostgreSQL refuses for an integer column with an error instead of "no such row".
    """

    regex = r"[0-9]+"

    def to_python(self, value):
        number = parse_int(value, low=1)
        if number is None:
            raise ValidationError()
        return number


class ListPage(Pagination):
    """One page of a list already in memory, with the paging of a query's page."""

    def _query_items(self):
        start = (self.page - 1) * self.per_page
        return self._query_args["items"][start:start + self.per_page]

    def _query_count(self):
        return len(self._query_args["items"])


def page_of_list(items, arg="page", per_page=None):
    """The page of ``items`` asked for by the query argument ``arg``; past the end, the last."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    last = max(1, -(-len(items) // per_page))
    return ListPage(page=min(page_arg(arg), last), per_page=per_page, max_per_page=None,
                    error_out=False, items=items)
