"""The work-item API: scoped like the pages, and fuzzed against its schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from oversight.conftest import client_for, token_headers
from oversight.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(
    path_regex="^/api/work/"
)


@pytest.fixture(autouse=True)
def keep_test_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_it_lists_only_items_in_scope(loop_county, open_task):
    task = open_task()
    mine = client_for(loop_county.town1_officer).get("/api/work/items/?kind=matters.task").json()
    assert [i["id"] for i in mine["results"]] == [task.pk]
    other = client_for(loop_county.town2_officer)
    assert other.get("/api/work/items/").json()["results"] == []
    assert other.get(f"/api/work/items/{task.pk}/").status_code == 404
    detail = client_for(loop_county.supervisor).get(f"/api/work/items/{task.pk}/").json()
    assert detail["events"][0]["type"] == "created"


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_answers_every_generated_request_within_the_schema(case, loop_county, open_task):
    task = open_task()
    headers = token_headers(loop_county.town2_officer)
    response = case.call(headers=headers)
    case.validate_response(
        response, headers=headers
    )  # every check schemathesis has, on positive and negative data
    if response.status_code == 200 and case.method == "GET":
        body = response.json()
        rows = body.get("results", [body]) if isinstance(body, dict) else body
        assert task.pk not in {row.get("id") for row in rows}
