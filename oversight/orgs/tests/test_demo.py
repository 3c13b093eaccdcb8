"""The demonstration county: deterministic, idempotent, and every account sees its scope."""

import pytest
from django.core.management import call_command
from django.test import Client

from oversight.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from oversight.lib import resident_id as rid
from oversight.orgs import selectors
from oversight.orgs.models import Account, OrgNode, Person


@pytest.fixture
def demo_county(db):
    call_command("demo", seed=2026)


def test_it_builds_a_believable_county(demo_county):
    types = {t: OrgNode.objects.filter(type=t).count() for t in OrgNode.Type.values}
    assert types["town"] == 10 and 80 <= types["village"] <= 150 and types["unit"] == 40
    assert types["stationed_group"] == 5 and types["service_window"] > 10
    assert 1800 <= Person.objects.count() <= 2300
    assert all(rid.is_valid(n) for n in Person.objects.values_list("resident_id", flat=True)[:300])
    # running twice changes nothing
    before = (OrgNode.objects.count(), Person.objects.count(), Account.objects.count())
    call_command("demo", seed=2026)
    assert (OrgNode.objects.count(), Person.objects.count(), Account.objects.count()) == before


def test_it_lets_every_demo_account_sign_in_and_see_its_scope(demo_county):
    total = OrgNode.objects.count()
    seen = {}
    for username, _role, _where in DEMO_ACCOUNTS:
        response = Client().post("/orgs/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        seen[username] = selectors.node_list(viewer=Account.objects.get(username=username)).count()
    assert seen["admin"] == seen["leader"] == seen["supervisor"] == total
    town = OrgNode.objects.get(code="QH-T01")
    assert seen["town1"] == OrgNode.objects.filter(path__startswith=town.path).count()
    bureau = OrgNode.objects.get(code="QH-U04")
    assert seen["clerk"] == OrgNode.objects.filter(path__startswith=bureau.path).count()
    assert 0 < seen["group1"] < total
    assert seen["cadre"] == 0
    cadre = Account.objects.get(username="cadre")
    assert list(selectors.person_list(viewer=cadre)) == [cadre.person]


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
