"""The demo county's cockpit: generated maps of its towns and villages, and the leader's
cockpit drawing them."""

import random

import pytest

from oversight.cockpit import demo
from oversight.cockpit.models import MapLayer
from oversight.conftest import client_for
from oversight.orgs import demo as org_demo
from oversight.orgs.models import Account, OrgNode

pytestmark = pytest.mark.django_db


def test_it_generates_the_maps_and_the_leader_opens_the_cockpit(today):
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("cockpit"))
    county = OrgNode.objects.get(code="QH")
    towns = OrgNode.objects.filter(parent=county, type=OrgNode.Type.TOWN)
    layer = MapLayer.objects.get(node=county)
    assert {f["properties"]["code"] for f in layer.geojson["features"]} == set(
        towns.values_list("code", flat=True)
    )
    assert MapLayer.objects.count() == 1 + towns.count()
    demo.build(rng=random.Random("cockpit"))  # a second run changes nothing
    assert MapLayer.objects.count() == 1 + towns.count()
    leader = Account.objects.get(username="leader")
    data = client_for(leader).get("/cockpit/data.json").json()
    assert data["node"]["id"] == county.pk
    assert len(data["map"]["data"]) == towns.count()
