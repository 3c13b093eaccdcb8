"""Every data scope, through selectors, pages, exports and the API: outsiders get nothing."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from oversight.conftest import client_for
from oversight.orgs import selectors, services
from oversight.orgs.models import Role


def names(qs):
    return {obj.name for obj in qs}


def test_it_gives_the_all_scope_everything(county):
    assert selectors.node_list(viewer=county.admin).count() == 12
    assert selectors.person_list(viewer=county.admin).count() == 9


def test_it_limits_own_and_below_to_the_subtree(county):
    assert names(selectors.node_list(viewer=county.town1_officer)) == {
        "Town 1",
        "Village 1a",
        "Village 1b",
    }
    assert names(selectors.person_list(viewer=county.town1_officer)) == {
        "Person of Town 1",
        "Person of Village 1a",
    }


def test_it_shows_the_sibling_town_nothing_of_the_other_town(county):
    sibling = county.town2_officer
    visible = set(selectors.node_list(viewer=sibling).values_list("pk", flat=True))
    assert not visible & {county.town1.pk, county.village1a.pk, county.village1b.pk}
    assert (
        not selectors.person_list(viewer=sibling)
        .filter(org_node__path__startswith=county.town1.path)
        .exists()
    )


def test_it_limits_own_node_scope_to_the_node_itself(county):
    services.role_save(
        role=county.role_clerk,
        key="clerk",
        name="clerk",
        permissions=county.role_clerk.permissions,
        data_scope=Role.Scope.OWN,
        listed_nodes=[],
    )
    assert names(selectors.node_list(viewer=county.clerk)) == {"Unit A"}


def test_it_limits_listed_scope_to_the_listed_subtrees(county):
    services.role_save(
        role=county.role_clerk,
        key="clerk",
        name="clerk",
        permissions=county.role_clerk.permissions,
        data_scope=Role.Scope.LISTED,
        listed_nodes=[county.town2, county.unit_b],
    )
    assert names(selectors.node_list(viewer=county.clerk)) == {"Town 2", "Village 2a", "Unit B"}


def test_it_gives_a_stationed_group_its_supervised_units(county):
    assert names(selectors.node_list(viewer=county.group_officer)) == {
        "Group 1",
        "Unit A",
        "Dept A1",
        "Window A2",
    }
    assert "Person of Unit B" not in names(selectors.person_list(viewer=county.group_officer))


def test_it_limits_self_scope_to_own_records(county):
    assert names(selectors.person_list(viewer=county.cadre)) == {"Cadre Zhang"}
    assert selectors.node_list(viewer=county.cadre).count() == 0


def test_it_gives_an_account_without_roles_nothing(county):
    county.clerk.roles.clear()
    assert selectors.node_list(viewer=county.clerk).count() == 0
    assert selectors.person_list(viewer=county.clerk).count() == 0


def test_it_unions_the_scopes_of_several_roles(county):
    extra = services.role_save(
        role=None,
        key="extra",
        name="extra",
        permissions=[],
        data_scope=Role.Scope.LISTED,
        listed_nodes=[county.unit_b],
    )
    county.town1_officer.roles.add(extra)
    assert "Unit B" in names(selectors.node_list(viewer=county.town1_officer))


def test_it_moves_scopes_with_a_moved_subtree(county):
    services.node_move(node=county.village2a, new_parent=county.town1)
    assert "Village 2a" in names(selectors.node_list(viewer=county.town1_officer))
    assert "Village 2a" not in names(selectors.node_list(viewer=county.town2_officer))
    assert "Person of Village 2a" in names(selectors.person_list(viewer=county.town1_officer))


@pytest.mark.parametrize("url_name", ["orgs:node_detail", "orgs:node_edit", "orgs:node_move"])
def test_it_answers_404_for_a_node_outside_scope(county, url_name):
    from django.urls import reverse

    response = client_for(county.town2_officer).get(reverse(url_name, args=[county.village1a.pk]))
    assert response.status_code == 404


def test_it_answers_404_for_a_person_outside_scope(county):
    client = client_for(county.town2_officer)
    assert client.get(f"/orgs/people/{county.p_town1.pk}/").status_code == 404
    assert client.get(f"/orgs/people/{county.p_town1.pk}/edit/").status_code == 404
    assert client.post(f"/orgs/people/{county.p_town1.pk}/positions/add/", {}).status_code == 404
    assert client.get(f"/orgs/people/{county.p_town2.pk}/").status_code == 200


def test_it_refuses_to_toggle_a_node_outside_scope(county):
    response = client_for(county.town2_officer).post(f"/orgs/nodes/{county.town1.pk}/toggle/")
    assert response.status_code == 404
    county.town1.refresh_from_db()
    assert county.town1.is_active


def test_it_lists_only_in_scope_people_on_the_page(county):
    body = client_for(county.town2_officer).get("/orgs/people/").content.decode()
    assert "Person of Town 2" in body
    assert "Person of Town 1" not in body and "Person of Village 1a" not in body


def test_it_exports_only_in_scope_people(county):
    response = client_for(county.town2_officer).get("/orgs/people/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported == {"Person of Town 2", "Person of Village 2a"}


def test_it_exports_only_in_scope_nodes(county):
    response = client_for(county.town2_officer).get("/orgs/nodes/export.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Town 2",
        "Village 2a",
    }


def test_it_filters_by_a_node_outside_scope_with_404(county):
    response = client_for(county.town2_officer).get(f"/orgs/people/?node={county.town1.pk}")
    assert response.status_code == 404


def test_it_limits_the_api_to_the_scope(county):
    client = client_for(county.town2_officer)
    listed = client.get("/api/orgs/nodes/").json()
    assert {n["name"] for n in listed["results"]} == {"Town 2", "Village 2a"}
    assert client.get(f"/api/orgs/nodes/{county.town1.pk}/").status_code == 404
    people = client.get("/api/orgs/people/").json()
    assert {p["name"] for p in people["results"]} == {"Person of Town 2", "Person of Village 2a"}
    assert client.get(f"/api/orgs/people/{county.p_village1a.pk}/").status_code == 404


def test_it_keeps_the_resident_id_out_of_the_api(county):
    person = client_for(county.admin).get(f"/api/orgs/people/{county.p_town1.pk}/").json()
    assert "resident_id" not in person


def test_it_shows_accounts_and_logs_only_in_scope(county):
    assert {a.username for a in selectors.account_list(viewer=county.town2_officer)} == {"town2"}
    client_for(county.town1_officer).post(f"/orgs/nodes/{county.village1a.pk}/toggle/")
    assert selectors.operation_log_list(viewer=county.town1_officer).count() == 1
    assert selectors.operation_log_list(viewer=county.town2_officer).count() == 0
