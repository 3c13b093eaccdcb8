import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.orgs import services
from oversight.orgs.models import OrgNode


def test_it_rewrites_every_path_of_the_subtree(county):
    deep = services.node_create(
        name="Group X", code="C-T1-V1-G", type="village", parent=county.village1a
    )
    services.node_move(node=county.town1, new_parent=county.unit_b)
    for node in OrgNode.objects.all():
        expected = (node.parent.path if node.parent else "/") + f"{node.pk}/"
        assert node.path == expected, node.name
        assert node.depth == (node.parent.depth + 1 if node.parent else 0)
    deep.refresh_from_db()
    assert deep.path.startswith(county.unit_b.path) and deep.depth == 4


def test_it_refuses_to_move_a_node_under_its_descendant(county):
    with pytest.raises(ValidationError) as err:
        services.node_move(node=county.town1, new_parent=county.village1a)
    assert refusal_codes(err.value) == {"new_parent": ["own_subtree"]}
    assert "new_parent" in err.value.message_dict
    county.town1.refresh_from_db()
    assert county.town1.parent == county.county


def test_it_refuses_to_move_a_node_under_itself(county):
    with pytest.raises(ValidationError) as refused:
        services.node_move(node=county.town1, new_parent=county.town1)
    assert refusal_codes(refused.value) == {"new_parent": ["own_subtree"]}


def test_it_disables_a_subtree_and_refuses_to_enable_under_a_disabled_parent(county):
    assert services.node_set_active(node=county.town1, active=False) == 3
    county.village1a.refresh_from_db()
    assert not county.village1a.is_active
    with pytest.raises(ValidationError) as refused:
        services.node_set_active(node=county.village1a, active=True)
    assert refusal_codes(refused.value) == ["parent_disabled"]


def test_it_moves_through_the_page(county):
    from oversight.conftest import client_for

    client = client_for(county.admin)
    response = client.post(
        f"/orgs/nodes/{county.village2a.pk}/move/", {"new_parent": county.town1.pk}
    )
    assert response.status_code == 302
    county.village2a.refresh_from_db()
    assert county.village2a.path == f"{county.town1.path}{county.village2a.pk}/"


def test_it_offers_no_descendant_as_a_new_parent(county):
    from oversight.conftest import client_for

    response = client_for(county.admin).post(
        f"/orgs/nodes/{county.town1.pk}/move/", {"new_parent": county.village1a.pk}
    )
    assert response.status_code == 400
    assert "new_parent" in response.context["form"].errors


def test_it_leaves_a_trace_of_every_change_in_the_ledger(county):
    from oversight.ledger.models import Leaf

    services.node_move(node=county.village2a, new_parent=county.town1, actor=county.admin)
    leaf = Leaf.objects.filter(action="orgs.node.move").get()
    assert leaf.target_id == str(county.village2a.pk) and leaf.actor_id == county.admin.pk
    assert Leaf.objects.filter(action="orgs.node.create").count() == 12
    with pytest.raises(ValidationError) as refused:
        services.node_move(node=county.town1, new_parent=county.village1a, actor=county.admin)
    assert refusal_codes(refused.value) == {"new_parent": ["own_subtree"]}
    assert Leaf.objects.filter(action="orgs.node.move").count() == 1  # a refused change leaves none
