"""The read API of rounds, tasks and completion, each limited to the caller's scope, in the
OpenAPI schema, with bad parameters answered 400 naming the parameter."""

from oversight.conftest import client_for


def test_the_api_answers_within_the_callers_scope(inspections_county, round_, task):
    c = inspections_county
    commission = client_for(c.supervisor)
    rounds = commission.get("/api/inspections/rounds/").json()
    assert [r["id"] for r in rounds["results"]] == [round_.pk]
    tasks = commission.get(f"/api/inspections/tasks/?round={round_.pk}").json()
    assert [(t["id"], t["unit_name"], t["state"]) for t in tasks["results"]] == [
        (task.item_id, "Town 1", "assigned")
    ]
    assert commission.get(f"/api/inspections/tasks/{task.item_id}/").json()["category"] == "funds"
    (row,) = commission.get(f"/api/inspections/rounds/{round_.pk}/completion/").json()
    assert (row["label"], row["tasks"], row["closed"], row["rate"]) == ("Town 1", 1, 0, 0.0)
    (cat,) = commission.get(f"/api/inspections/rounds/{round_.pk}/completion/?by=category").json()
    assert cat["tasks"] == 1
    # Town 1 reads its own task; Town 2 gets nothing of it
    own = client_for(c.town1_officer)
    assert [t["id"] for t in own.get("/api/inspections/tasks/").json()["results"]] == [task.item_id]
    other = client_for(c.town2_officer)
    assert other.get("/api/inspections/tasks/").json()["results"] == []
    assert other.get(f"/api/inspections/tasks/{task.item_id}/").status_code == 404
    assert other.get(f"/api/inspections/tasks/?round={round_.pk}").status_code in (200, 404)
    # bad input names the parameter; an id no column holds is a 404
    bad = commission.get(f"/api/inspections/rounds/{round_.pk}/completion/?by=colour")
    assert bad.status_code == 400 and "by" in bad.json().get("errors", bad.json())
    bad = commission.get("/api/inspections/tasks/?round=abc")
    assert bad.status_code == 400
    assert commission.get("/api/inspections/tasks/9999999999999999999/").status_code == 404
    # without the permission: 403
    assert client_for(c.cadre).get("/api/inspections/rounds/").status_code == 403


def test_the_api_is_in_the_schema(inspections_county):
    schema = client_for(inspections_county.supervisor).get("/api/schema/").content.decode()
    assert "/api/inspections/rounds/{id}/completion/" in schema
    assert "/api/inspections/tasks/" in schema
