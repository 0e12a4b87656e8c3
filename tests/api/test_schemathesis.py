"""Schemathesis against /api/v1/openapi.json with a token of each role: cases generated from
the OpenAPI description for every operation find no server error, no response that breaks the
schema and no undocumented status code or content type. The number of cases is printed."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from taskforce.extensions import db
from tests.api.conftest import ROLES, bearer, build_world, make_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Examples per operation and role: 5 roles × 25 operations × this stays within a minute.
MAX_EXAMPLES = 4


@pytest.mark.parametrize("role", ROLES)
def test_the_api_keeps_its_description(make_app, role, capsys):
    app = make_app(API_RATE_LIMIT="100000 per minute")
    with app.app_context():
        world = build_world()
        _user, secret = make_token(role, unit_id=world["unit_a"])
        headers = bearer(secret)
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        ids = {"task_id": world["task_a"] if role == "unit_officer" else world["task"],
               "service_id": world["service"], "unit_id": world["unit"],
               "claim_id": world["claim"], "file_id": world["file"],
               "review_id": world["review"], "extension_id": world["extension"],
               "month": "2020-08"}
        cases, statuses = 0, {}
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 22
        for operation in operations:

            @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def run(case):
                nonlocal cases
                cases += 1
                if cases % 2 and case.path_parameters:
                    # Every other case names the world's objects, so that answers about real
                    # rows (and writes that go through) are checked against the schema too.
                    case.path_parameters = {name: ids.get(name, value)
                                            for name, value in case.path_parameters.items()}
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                db.session.rollback()

            run()
        with capsys.disabled():
            print(f"\nschemathesis, {role}: {cases} cases over {len(operations)} operations, "
                  f"answers {dict(sorted(statuses.items()))}")
        assert cases >= len(operations)
