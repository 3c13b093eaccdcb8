"""The demonstration: a hundred days of three towns' villages publishing, checked and
supervised on the demo's history; every kind of lapse and every state of the loop appears,
a second run changes nothing and the ledger verifies clean."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from oversight.core import demo
from oversight.disclosure.models import CatalogueItem, Expectation, Lapse, Publication
from oversight.ledger.verify import verify_ledger
from oversight.schedules.models import Obligation

pytestmark = pytest.mark.django_db

PRESENT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_the_demo_plays_a_quarter_of_disclosures_and_verifies_clean(monkeypatch):
    monkeypatch.setattr(
        demo,
        "BUILDERS",
        ["oversight.orgs.demo", "oversight.documents.demo", "oversight.disclosure.demo"],
    )
    demo.build(seed=7, now=PRESENT)
    assert CatalogueItem.objects.count() == 4
    assert set(Lapse.objects.values_list("kind", flat=True)) == set(Lapse.Kind.values)
    states = set(Lapse.objects.values_list("item__state", flat=True))
    assert {"lit", "suggested", "verified", "dismissed"} <= states
    assert Expectation.objects.filter(status="on_time").count() > Lapse.objects.count() / 2
    assert Obligation.objects.filter(schedule="disclosure.quarterly", key="2026-Q3").exists()
    # the period due on 10 December is open, waiting for the villages
    assert Obligation.objects.filter(key="2026-12", item__closed_at__isnull=True).exists()
    report = verify_ledger()
    assert [str(m) for m in report.mismatches] == []
    count = Publication.objects.count()
    demo.build(seed=7, now=PRESENT)
    assert Publication.objects.count() == count
