"""The audit pages: the trace of records within the viewer's scope, one entry, the ledger state."""

from __future__ import annotations

import pytest

from oversight.conftest import client_for
from oversight.ledger import services
from oversight.ledger.models import VerificationRun
from oversight.ledger.targets import TargetKind, register, unregister
from oversight.orgs.models import Role

AUDIT = "ledger:audit:view"


@pytest.fixture
def supervised(county):
    """Town officers and the stationed group may read the trace; entries by a town 1 officer."""
    for role in (county.role_town, county.role_group):
        Role.objects.filter(pk=role.pk).update(permissions=role.permissions + [AUDIT])
    kind = register(TargetKind(type="test.complaint", protected=("reporter",)))
    services.record(
        actor=county.town1_officer,
        action="test.complaint.receive",
        target=("test.complaint", 5),
        before=None,
        after={"state": "new"},
        details={"reporter": "Li Si"},
    )
    services.record(
        actor=county.town1_officer,
        action="test.complaint.close",
        target=("test.complaint", 5),
        before={"state": "new"},
        after={"state": "closed"},
    )
    services.record(
        actor=county.clerk, action="test.asset.fix", target=("test.asset", 2), before=None, after={}
    )
    yield county
    unregister(kind.type)


def indexes(response) -> list[int]:
    return [entry.index for entry in response.context["page"]]


@pytest.mark.django_db
def test_it_shows_the_trace_within_the_viewer_scope(supervised):
    county = supervised
    assert indexes(client_for(county.admin).get("/ledger/trace/")) == [2, 1, 0]
    assert indexes(client_for(county.town1_officer).get("/ledger/trace/")) == [1, 0]
    assert indexes(client_for(county.group_officer).get("/ledger/trace/")) == [
        2
    ]  # supervises Unit A


@pytest.mark.django_db
def test_an_officer_out_of_scope_sees_nothing(supervised):
    client = client_for(supervised.town2_officer)
    response = client.get("/ledger/trace/")
    assert response.status_code == 200
    assert indexes(response) == []
    assert "test.complaint" not in response.content.decode()
    assert client.get("/ledger/trace/0/").status_code == 404
    assert indexes(client.get("/ledger/trace/?target_type=test.complaint&target_id=5")) == []


@pytest.mark.django_db
def test_it_filters_by_actor_action_target_and_time(supervised):
    client = client_for(supervised.admin)
    assert indexes(client.get("/ledger/trace/?actor=town1")) == [1, 0]
    assert indexes(client.get("/ledger/trace/?action=test.complaint.c")) == [1]
    assert indexes(client.get("/ledger/trace/?target_type=test.asset&target_id=2")) == [2]
    assert indexes(client.get("/ledger/trace/?since=2000-01-01&until=2999-12-31")) == [2, 1, 0]
    assert indexes(client.get("/ledger/trace/?until=2000-01-01")) == []
    response = client.get("/ledger/trace/?since=2025-02-01&until=2025-01-01")
    assert response.status_code == 400
    assert response.context["form"].errors["until"]


@pytest.mark.django_db
def test_the_entry_page_shows_protected_values_to_those_in_scope(supervised):
    response = client_for(supervised.town1_officer).get("/ledger/trace/0/")
    assert response.status_code == 200
    assert response.context["protected"] == [("reporter", "Li Si")]
    assert "test.complaint.receive" in response.content.decode()


@pytest.mark.django_db
def test_the_audit_pages_need_the_permission(supervised, client):
    assert client.get("/ledger/trace/").status_code == 302
    assert client_for(supervised.clerk).get("/ledger/trace/").status_code == 403
    assert client_for(supervised.clerk).get("/ledger/state/").status_code == 403
    assert client_for(supervised.town1_officer).post("/ledger/state/verify/").status_code == 403


@pytest.mark.django_db
def test_the_state_page_shows_size_checkpoint_and_last_verification(supervised):
    services.issue_checkpoint()
    client = client_for(supervised.admin)
    response = client.post("/ledger/state/verify/", follow=True)
    assert response.status_code == 200
    assert VerificationRun.objects.get().ok
    html = response.content.decode()
    assert 'data-testid="ledger-size">3<' in html
    assert "test.oversight/ledger\n3\n" in html
    assert 'data-testid="verification"' in html
    assert response.context["verification"].ok
    links = [link["url"] for group in response.context["menu"] for link in group["links"]]
    assert "/ledger/trace/" in links and "/ledger/state/" in links


@pytest.mark.django_db
def test_the_state_page_lists_what_the_last_verification_found(supervised):
    from oversight.ledger.models import Leaf

    Leaf.objects.filter(index=1).delete()
    response = client_for(supervised.admin).post(
        "/ledger/state/verify/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    run = VerificationRun.objects.get()
    assert not run.ok and run.mismatch_count == 1
    assert response.context["mismatches"][0]["text"] == "the leaf is missing"
    html = response.content.decode()
    assert "<code>ledger_leaf</code>" in html and "the leaf is missing" in html


def exported(response) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_it_exports_what_the_viewer_filtered_in_the_order_shown(supervised):
    client = client_for(supervised.admin)
    page = client.get("/ledger/trace/?action=test.complaint")
    assert 'data-testid="export-filtered"' in page.content.decode()
    rows = exported(client.get("/ledger/trace/?action=test.complaint&export=xlsx"))
    assert [r[0] for r in rows[1:]] == [1, 0]
    assert rows[1][4] == "test.complaint.close" and rows[1][5:7] == ("test.complaint", "5")
    rows = exported(client.get("/ledger/trace/?action=test.complaint&sort=index&export=xlsx"))
    assert [r[0] for r in rows[1:]] == [0, 1]
    assert [e.index for e in client.get("/ledger/trace/?sort=index").context["page"]] == [0, 1, 2]


@pytest.mark.django_db
def test_the_export_of_an_officer_out_of_scope_holds_nothing(supervised):
    rows = exported(client_for(supervised.town2_officer).get("/ledger/trace/?export=xlsx"))
    assert len(rows) == 1  # the header only
    rows = exported(client_for(supervised.group_officer).get("/ledger/trace/?export=xlsx"))
    assert [r[0] for r in rows[1:]] == [2]
    assert client_for(supervised.clerk).get("/ledger/trace/?export=xlsx").status_code == 403
