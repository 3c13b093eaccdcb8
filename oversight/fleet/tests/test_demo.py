"""The demonstration builder: 60 cars over the last National Day with a warning of every rule
(a night drive and a day in the city with their trip orders raise none; the dispatch system's
positions come in GCJ-02); a second run changes nothing; the ledger
verifies."""

import datetime
import random

import pytest

from oversight.cockpit import demo as cockpit_demo
from oversight.fleet import demo
from oversight.fleet.models import FleetWarning, PositionBatch, Vehicle
from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo

pytestmark = pytest.mark.django_db


def test_it_plants_a_warning_of_every_rule(today, settings, tmp_path):
    settings.ANALYTICS_WORKSPACE_DIR = tmp_path
    today(datetime.date(2026, 12, 4))
    org_demo.build(rng=random.Random("orgs"))
    cockpit_demo.build(rng=random.Random("cockpit"))
    demo.build(rng=random.Random("fleet"))
    assert Vehicle.objects.count() == 60
    rules = {}
    for warning in FleetWarning.objects.all():
        rules.setdefault(warning.rule, set()).add(warning.vehicle.plate)
    assert set(rules) == {
        "sealed_use",
        "outside_permitted",
        "odd_hours",
        "concern_stay",
        "long_trip",
    }
    assert len(rules["long_trip"]) == 1  # the other day in the city had its trip order
    assert PositionBatch.objects.filter(crs="gcj02").count() == 1
    assert len(rules["sealed_use"]) == 8
    assert len(rules["odd_hours"]) == 1  # the other night drive had its trip order
    assert len(rules["concern_stay"]) == 2
    sealed_days = {w.evidence["day"] for w in FleetWarning.objects.filter(rule="sealed_use")}
    assert sealed_days == {"2026-10-03"}
    states = set(FleetWarning.objects.values_list("item__state", flat=True))
    assert {"open", "explained", "accepted", "confirmed"} <= states
    count = FleetWarning.objects.count()
    demo.build(rng=random.Random("fleet"))
    assert FleetWarning.objects.count() == count
    _run, report = ledger.run_verification()
    assert report.ok
