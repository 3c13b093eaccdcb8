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


def test_demo_reimbursements_and_asset_steps_in_each_state(loop_county, today):
    from collections import Counter

    from oversight.collective.models import AssetStep, Reimbursement
    from oversight.orgs.demo import grant_permissions

    today(date(2026, 3, 2))
    grant_permissions({"town": ["collective:view", "collective:record", "collective:review"]})
    demo.build(rng=random.Random(2))
    states = Counter(Reimbursement.objects.values_list("item__state", flat=True))
    assert set(states) == {"proposed", "returned", "approved", "refused"}
    approved = Reimbursement.objects.filter(item__state="approved")
    assert all(r.entry_id and r.ledger_index is not None for r in approved)
    steps = Counter(AssetStep.objects.values_list("step", "item__state"))
    assert steps[("maintenance", "approved")] and steps[("disposal", "proposed")]
    assert steps[("inventory", "returned")]
    assert verify_ledger().ok
