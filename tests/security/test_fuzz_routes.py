"""Every route of the URL map with hostile ids in its path and hostile values in its query.

Each GET route is asked for as each role and anonymously: as it is, with every id of its
path replaced by one no row can have (digits of other scripts, huge and negative numbers,
2147483648, 0), and with hostile values in every query argument its view reads. The
arguments are found, not listed: the requests record the names a view asks its query string
for. Never a 5xx; an id no row can have is a 404 before any view runs; and no GET writes.
"""

import re
from collections import Counter
from urllib.parse import quote

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from taskforce.extensions import db
from taskforce.models import Member, Role, User
from tests import factories
from tests.security import COUNTS
from tests.security.world import (
    ARGUMENTS,
    TODAY,
    TOKENS,
    build_world,
    changed,
    log_in,
    routes,
    snapshot,
    url_of,
)

VISITORS = ("anonymous", "admin", "leader", "member", "unit_officer", "viewer")
# Ids no row can have: digits of other scripts (one int() refuses, one it reads), past the
# database's integer, negative, zero.
HOSTILE_IDS = ("0", "-1", "2147483648", "9" * 40, "²", "١")
# Query values: digits that are not ASCII, numbers at and past the edges, empty, the calendar's
# edges as each date format writes them, NUL, a very long string, wildcards and markup.
VALUES = ("²", "١٢", "１２", "0", "-1", "2147483648", "9" * 40, "", "0001-01-01", "9999-12-31",
          "31/12/9999", "9999-12", "a\x00b", "x" * 5000, "%_\\'\"<x>\u202e")
# Repeated keys: a good value and a hostile one, either way round.
REPEATED = (("2", "①"), ("2147483648", "1"))
# Files and images read their page's arguments the same way (the page gets every value of
# each argument); drawn or built anew each time, they get every argument at once, these values.
FILE_VALUES = ("²", "2147483648", "", "0001-01-01", "9999-12-31", "31/12/9999", *REPEATED)
_INT_ARGUMENT = re.compile(r"<int(?:\([^)]*\))?:(\w+)>")
MARK = 987_654_321  # in a path built for the test, the place of the hostile id
ASKED = set()


class _RecordedArgs(ImmutableMultiDict):
    """Query arguments that note each name a view asks for."""

    def __getitem__(self, key):
        ASKED.add(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):  # noqa: A002 (werkzeug's name)
        ASKED.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        ASKED.add(key)
        return super().__contains__(key)


class _RecordingRequest(Request):
    parameter_storage_class = _RecordedArgs


class RouteFuzzer:
    """The world, a client per visitor, and what each request answered."""

    def __init__(self, app):
        self.app, self.world = app, build_world()
        self.statuses = Counter()
        self.clients = {"anonymous": app.test_client()}
        for visitor, email in self._accounts().items():
            self.clients[visitor] = app.test_client()
            log_in(self.clients[visitor], email)

    def _accounts(self):
        """The e-mail of each role's account; the officer and the member are unit B's."""
        world = self.world
        member = factories.user(role=Role.MEMBER, email="member@routes.test")
        db.session.get(Member, world["member_b"]).user_id = member.id
        for role in ("admin", "leader", "viewer"):
            factories.user(role=role, email=f"{role}@routes.test")
        db.session.commit()
        officer = db.session.get(User, world["officer_b"])
        return {"admin": "admin@routes.test", "leader": "leader@routes.test",
                "member": member.email, "unit_officer": officer.email,
                "viewer": "viewer@routes.test"}

    def send(self, visitor, method, url, query=None):
        """The answer to one request, counted; never a server error."""
        ASKED.clear()
        response = self.clients[visitor].open(url, method=method, query_string=query)
        self.statuses[response.status_code] += 1
        assert response.status_code < 500, (visitor, method, url, query)
        return response


def _hostile_paths(rule, world):
    """The rule's paths with one id replaced by a hostile one, the others the world's."""
    values = {name: world[TOKENS[rule.endpoint] if name == "token" else ARGUMENTS[name]]
              for name in rule.arguments - set(rule.defaults or ())}
    for argument in _INT_ARGUMENT.findall(rule.rule):
        marked = rule.build({**values, argument: MARK}, append_unknown=False)[1]
        for value in HOSTILE_IDS:
            yield marked.replace(str(MARK), quote(value), 1)


@pytest.fixture
def fuzz(make_app):
    app = make_app(TODAY=TODAY, LOGIN_LIMIT_PER_ADDRESS="100000/minute",
                   LOGIN_LIMIT_PER_ACCOUNT="100000/minute", LOGIN_MAX_FAILURES=100000)
    app.request_class = _RecordingRequest
    with app.app_context():
        yield RouteFuzzer(app)
        db.session.rollback()


def _key(rule):
    return rule.endpoint, rule.rule


def _discover(fuzz):
    """{(visitor, route): (arguments read, is a file)} from each page asked for as it is."""
    found = {}
    for visitor in VISITORS:
        for rule, _method in routes(fuzz.app, "GET"):
            response = fuzz.send(visitor, "GET", url_of(rule, fuzz.world))
            found[visitor, _key(rule)] = (sorted(ASKED), response.mimetype != "text/html")
    return found


def _query_requests(found):
    """(visitor, route, query) to send, the visitors who read an argument taking turns."""
    readers = {}
    for (visitor, route), (names, is_file) in found.items():
        for name in names:
            readers.setdefault((route, is_file), {}).setdefault(name, []).append(visitor)
    for (route, is_file), names in sorted(readers.items()):
        if is_file:
            visitors = sorted({v for seen in names.values() for v in seen})
            for i, value in enumerate(FILE_VALUES):
                yield visitors[i % len(visitors)], route, dict.fromkeys(names, _arg(value))
            continue
        for name, visitors in sorted(names.items()):
            for i, value in enumerate((*VALUES, *REPEATED)):
                yield visitors[i % len(visitors)], route, {name: _arg(value)}
    # Then each visitor sends every argument of each page at once, each with another value.
    for (visitor, route), (names, is_file) in sorted(found.items()):
        if names and not is_file:
            shift = VISITORS.index(visitor)
            yield visitor, route, {name: VALUES[(k + shift) % len(VALUES)]
                                   for k, name in enumerate(names)}


def _arg(value):
    return list(value) if isinstance(value, tuple) else value


def _count(fuzz):
    COUNTS["requests"] += sum(fuzz.statuses.values())
    for status, count in fuzz.statuses.items():
        COUNTS[f"status {status}"] += count
    print(f"{sum(fuzz.statuses.values())} requests: {dict(sorted(fuzz.statuses.items()))}")


def test_an_id_no_row_can_have_is_not_found_on_every_route(fuzz):
    for i, (rule, method) in enumerate(routes(fuzz.app)):
        # The converter refuses before any view or check runs: the same for every visitor,
        # each of whom asks for every GET route; POST routes are shared out among them.
        visitors = VISITORS if method == "GET" else (VISITORS[i % len(VISITORS)],)
        for visitor in visitors:
            for path in _hostile_paths(rule, fuzz.world):
                response = fuzz.send(visitor, method, path)
                assert response.status_code == 404, (visitor, method, path)
    _count(fuzz)


def test_every_page_survives_hostile_query_arguments_and_writes_nothing(fuzz):
    before = snapshot()
    found = _discover(fuzz)
    # Were the recording to stop working, this test would pass without sending a value.
    assert {"page", "unit", "member", "q"} <= set(found["leader", ("tasks.index", "/tasks")][0])
    rules = {_key(rule): rule for rule, _method in routes(fuzz.app, "GET")}
    for visitor, route, query in _query_requests(found):
        fuzz.send(visitor, "GET", url_of(rules[route], fuzz.world), query)
    assert changed(before, snapshot()) == [], "a GET wrote to the database"
    COUNTS["routes_roles"] += len(found)
    _count(fuzz)
