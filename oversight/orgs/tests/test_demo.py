"""The demonstration county grants a later module's permission codes once, with a trace. (The county
itself is checked over the shared build: core/tests/test_demo_county.py.)"""


def test_it_grants_a_later_modules_codes_once_and_with_a_trace(db):
    from oversight.ledger.models import Leaf
    from oversight.orgs import services
    from oversight.orgs.demo import grant_permissions
    from oversight.orgs.models import Role

    role = services.role_save(
        role=None,
        key="clerk",
        name="Clerk",
        permissions=["orgs:node:view"],
        data_scope=Role.Scope.OWN,
        listed_nodes=[],
        remark="kept",
    )
    leaves = Leaf.objects.count()
    grant_permissions({"clerk": ["loop:item:view"], "nobody": ["loop:item:view"]})
    role.refresh_from_db()
    assert role.permissions == ["loop:item:view", "orgs:node:view"]
    assert (role.data_scope, role.remark) == (Role.Scope.OWN, "kept")
    assert Leaf.objects.count() == leaves + 1
    assert Leaf.objects.order_by("-index").first().action == "orgs.role.save"
    grant_permissions({"clerk": ["loop:item:view"]})  # already held: nothing changes
    assert Leaf.objects.count() == leaves + 1
