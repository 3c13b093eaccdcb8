"""The read API of joint supervision: plans, findings and hand-overs limited like the pages (a
member reads its own, the shared and what is handed to it; a department outside the plan gets
nothing, lists or details), in the OpenAPI schema (fuzzed with the rest of the API in
orgs/tests/test_api_schema.py), bad parameters answered 400 naming the parameter."""

from datetime import date

import pytest

from oversight.conftest import client_for
from oversight.joint import services

from .test_joint import MEMBER, county, findings, plan  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_members_read_within_their_share_and_outsiders_get_nothing(county, plan, findings):  # noqa: F811
    c = county
    hidden, shared = findings
    row = services.handover(
        actor=c.town1_officer, finding=hidden, to_department=c.unit_a, feedback_by=date(2026, 4, 1)
    )
    lead = client_for(c.supervisor)
    assert [p["id"] for p in lead.get("/api/joint/plans/").json()["results"]] == [plan.pk]
    town1 = client_for(c.town1_officer)
    ids = {f["id"] for f in town1.get(f"/api/joint/findings/?plan={plan.pk}").json()["results"]}
    assert ids == {hidden.pk, shared.pk}
    clerk = client_for(c.clerk)
    ids = {f["id"] for f in clerk.get("/api/joint/findings/").json()["results"]}
    assert ids == {hidden.pk, shared.pk}  # the hidden one was handed over to Unit A
    (handed,) = clerk.get("/api/joint/handovers/").json()["results"]
    assert (handed["id"], handed["state"], handed["acceptance_due"]) == (
        row.pk, "handed_over", "2026-03-09",
    )  # fmt: skip
    outsider = client_for(c.town2_officer)
    assert outsider.get("/api/joint/plans/").json()["results"] == []
    assert outsider.get("/api/joint/findings/").json()["results"] == []
    assert outsider.get("/api/joint/handovers/").json()["results"] == []
    assert outsider.get(f"/api/joint/plans/{plan.pk}/").status_code == 404
    assert outsider.get(f"/api/joint/findings/{shared.pk}/").status_code == 404
    assert outsider.get(f"/api/joint/handovers/{row.pk}/").status_code == 404
    assert outsider.get(f"/api/joint/findings/?plan={plan.pk}").status_code == 404
    bad = lead.get("/api/joint/findings/?plan=abc")
    assert bad.status_code == 400 and "plan" in str(bad.json())
    assert lead.get("/api/joint/plans/9999999999999999999/").status_code == 404
    assert client_for(c.cadre).get("/api/joint/plans/").status_code == 403


def test_a_member_does_not_read_another_members_unshared_finding(county, plan, findings):  # noqa: F811
    c = county
    hidden, _shared = findings
    clerk = client_for(c.clerk)
    assert hidden.pk not in {f["id"] for f in clerk.get("/api/joint/findings/").json()["results"]}
    assert clerk.get(f"/api/joint/findings/{hidden.pk}/").status_code == 404


def test_the_joint_api_is_in_the_schema(county):  # noqa: F811
    schema = client_for(county.supervisor).get("/api/schema/").content.decode()
    for path in ("/api/joint/plans/", "/api/joint/findings/{id}/", "/api/joint/handovers/"):
        assert path in schema
