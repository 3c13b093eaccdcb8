"""The demo builder on the test county: collectives with published months, assets,
contracts and anomalies; the ledger still verifies."""

import random
from datetime import date

import pytest

from oversight.collective import demo
from oversight.collective.models import Anomaly, Asset, Statement
from oversight.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def test_demo_builds_and_verifies(loop_county, today):
    today(date(2026, 3, 2))
    demo.build(rng=random.Random(1))
    assert Statement.objects.count() >= 12
    assert Asset.objects.count() >= 20
    assert Anomaly.objects.exists()
    assert verify_ledger().ok
    demo.build(rng=random.Random(1))  # idempotent
