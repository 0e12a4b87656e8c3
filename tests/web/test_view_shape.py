"""Views are parse -> one call -> respond: refusals are answered in one place, views never query."""

import inspect
import re
from pathlib import Path

import pytest

from taskforce.services import errors

WEB = Path(__file__).resolve().parents[2] / "taskforce" / "web"
# What a view would write to query the database itself instead of asking a service.
QUERIES = ("select(", "db.session.execute", "db.session.scalars", ".query(")
# DomainError and every refusal derived from it (NotFound, PermissionDenied, ...).
REFUSALS = sorted(name for name, value in vars(errors).items()
                  if inspect.isclass(value) and issubclass(value, errors.DomainError))
CATCH = re.compile(r"except\b[^:\n]*\b(?:{})\b".format("|".join(REFUSALS)))


def _sources():
    return sorted(WEB.rglob("*.py"))


def _views():
    return sorted({*WEB.rglob("routes.py"), *WEB.rglob("*_routes.py")})


def _name(path):
    return str(path.relative_to(WEB))


def test_a_refusal_is_caught_in_one_place():
    places = [f"{_name(path)}:{number}"
              for path in _sources()
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if CATCH.search(line)]
    assert len(places) <= 1, f"DomainError caught in more than one place: {places}"


def test_the_check_sees_a_catch_and_every_view():
    assert CATCH.search("    except DomainError as error:")
    assert CATCH.search("    except (ValueError, NotFound):")
    assert not CATCH.search("    except FileNotFoundError:")
    assert {"tasks/routes.py", "tasks/calendar_routes.py", "admin/routes.py"} <= {
        _name(path) for path in _views()}


@pytest.mark.parametrize("path", _views(), ids=_name)
def test_a_view_does_not_query(path):
    text = path.read_text(encoding="utf-8")
    found = [f"{number}: {line.strip()}"
             for number, line in enumerate(text.splitlines(), 1)
             if any(query in line for query in QUERIES)]
    assert not found, f"{_name(path)} queries the database; ask a service instead: {found}"
