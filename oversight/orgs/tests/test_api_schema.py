"""The API fuzzed against its own OpenAPI schema: no server errors, answers match the schema,
and the sibling-town officer never receives a row of the other town."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from oversight.conftest import token_headers
from oversight.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calls go straight to the WSGI app, not through Django's test client, so the request
    signals would close the test transaction's connection; detach them as the client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_generated_request_within_the_schema(case, county):
    headers = token_headers(county.town2_officer)
    response = case.call(headers=headers)
    case.validate_response(
        response, headers=headers
    )  # every check schemathesis has, on positive and negative data
    if response.status_code == 200 and case.method == "GET":
        body = response.json()
        rows = body.get("results", [body]) if isinstance(body, dict) else body
        other_town = {county.town1.pk, county.village1a.pk, county.village1b.pk}
        node_field = "id" if "/nodes/" in case.path else "org_node"
        assert not {row[node_field] for row in rows} & other_town
