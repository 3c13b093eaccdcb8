"""The API fuzzed against its own OpenAPI schema: no server errors, answers match the schema,
and the sibling-town officer never receives a row of the other town."""

import base64

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from oversight.conftest import PASSWORD
from oversight.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


def basic(username: str) -> dict:
    token = base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@schema.parametrize()
@settings(
    max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_generated_request_within_the_schema(case, county):
    response = case.call(headers=basic("town2"))
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
    if response.status_code == 200:
        body = response.json()
        rows = body.get("results", [body]) if isinstance(body, dict) else body
        other_town = {county.town1.pk, county.village1a.pk, county.village1b.pk}
        for row in rows:
            assert row.get("id") not in other_town or "gender" in row
            assert row.get("org_node") not in other_town
