"""Nobody changes the node at the top of their own scope, or anything above it, unless a role of
theirs sees all data; a node's type is changed by administrators only."""

import pytest
from django.core.exceptions import PermissionDenied

from oversight.conftest import client_for
from oversight.orgs import services
from oversight.orgs.models import OrgNode, Role


def node_form(node, **changes):
    data = {"name": node.name, "code": node.code, "type": node.type, "sort": node.sort}
    return {**data, **changes}


def test_it_refuses_a_town_officer_editing_or_disabling_their_own_town(county):
    client = client_for(county.town1_officer)
    town = county.town1
    assert client.post(f"/orgs/nodes/{town.pk}/edit/", node_form(town, name="X")).status_code == 403
    assert client.post(f"/orgs/nodes/{town.pk}/toggle/").status_code == 403
    move = client.post(f"/orgs/nodes/{town.pk}/move/", {"new_parent": county.village1a.pk})
    assert move.status_code in (400, 403)  # no place in their scope is outside their town
    with pytest.raises(PermissionDenied):
        services.node_move(node=town, new_parent=county.town2, actor=county.town1_officer)
    town.refresh_from_db()
    assert town.name == "Town 1" and town.is_active
    assert OrgNode.objects.filter(path__startswith=town.path, is_active=False).count() == 0
    assert 'data-testid="node-edit"' not in client.get(f"/orgs/nodes/{town.pk}/").content.decode()
    with pytest.raises(PermissionDenied) as refused:
        services.node_set_active(node=town, active=False, actor=county.town1_officer)
    assert str(refused.value) == "orgs:node:scope-top"


def test_it_refuses_nodes_above_the_scope_at_the_service(county):
    with pytest.raises(PermissionDenied):
        services.node_set_active(node=county.county, active=False, actor=county.town1_officer)
    with pytest.raises(PermissionDenied):
        services.node_update(
            node=county.county,
            actor=county.town1_officer,
            name="X",
            code="C",
            type="district",
            sort=0,
        )
    with pytest.raises(PermissionDenied) as refused:
        services.node_create(
            actor=county.town1_officer, name="Rogue", code="R", type="unit", parent=county.county
        )
    assert str(refused.value) == "orgs:node:scope"
    with pytest.raises(PermissionDenied):
        services.node_move(
            node=county.village1a, new_parent=county.town2, actor=county.town1_officer
        )
    with pytest.raises(PermissionDenied):
        services.node_create(
            actor=county.town1_officer, name="Root", code="RT", type="unit", parent=None
        )


def test_it_lets_a_town_officer_change_a_village_below_but_not_retype_it(county):
    client = client_for(county.town1_officer)
    village = county.village1a
    response = client.post(
        f"/orgs/nodes/{village.pk}/edit/", node_form(village, name="Village One", type="commission")
    )
    assert response.status_code == 302
    village.refresh_from_db()
    # The type field is disabled for them: the posted type is ignored, the name is saved.
    assert village.name == "Village One" and village.type == OrgNode.Type.VILLAGE
    with pytest.raises(PermissionDenied) as refused:
        services.node_update(
            node=village,
            actor=county.town1_officer,
            name="V",
            code=village.code,
            type="commission",
            sort=0,
        )
    assert str(refused.value) == "orgs:node:retype"
    assert client.post(f"/orgs/nodes/{village.pk}/toggle/").status_code == 302
    village.refresh_from_db()
    assert not village.is_active
    added = client.post(
        "/orgs/nodes/add/",
        {
            "name": "Village 1c",
            "code": "C-T1-V3",
            "type": "village",
            "parent": county.town1.pk,
            "sort": 0,
        },
    )
    assert added.status_code == 302


def test_it_lets_an_administrator_retype_and_disable_any_node(county):
    services.node_update(
        node=county.town1, actor=county.admin, name="Town 1", code="C-T1", type="district", sort=0
    )
    assert services.node_set_active(node=county.town1, active=False, actor=county.admin) == 3


def test_it_applies_the_rule_to_listed_and_supervised_scopes(county):
    listed = services.role_save(
        role=None,
        key="listed",
        name="listed",
        permissions=["orgs:node:view", "orgs:node:edit"],
        data_scope=Role.Scope.LISTED,
        listed_nodes=[county.unit_a],
    )
    county.clerk.roles.set([listed])
    with pytest.raises(PermissionDenied):
        services.node_set_active(node=county.unit_a, active=False, actor=county.clerk)
    assert services.node_set_active(node=county.dept_a1, active=False, actor=county.clerk) == 1
    county.role_group.permissions = [*county.role_group.permissions, "orgs:node:edit"]
    county.role_group.save()
    for top in (county.group, county.unit_a):
        with pytest.raises(PermissionDenied):
            services.node_update(
                node=top, actor=county.group_officer, name="X", code=top.code, type=top.type, sort=0
            )
    services.node_update(
        node=county.window_a2,
        actor=county.group_officer,
        name="Window",
        code=county.window_a2.code,
        type=county.window_a2.type,
        sort=0,
    )
