"""The demo county's comparison models: built quickly, once, with warnings worked."""

from __future__ import annotations

import random

from oversight.analytics import demo
from oversight.analytics.models import AnalysisRun, DataSource, ImportRun, Warning
from oversight.loop.models import WorkItem
from oversight.orgs import demo as orgs_demo
from oversight.orgs.models import Account


def test_it_builds_the_demo_once(db):
    orgs_demo.build(rng=random.Random(1))
    demo.build(rng=random.Random(2))
    assert DataSource.objects.count() == 16
    assert ImportRun.objects.filter(status=ImportRun.Status.STAGED, rejected_rows=2).count() == 1
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE and run.new_warnings == Warning.objects.count()
    assert Warning.objects.count() >= 30
    # Units resolve to the county's own nodes, and the planted real cadres are found.
    assert Warning.objects.filter(unit__isnull=False).count() >= Warning.objects.count() // 2
    town1 = Account.objects.get(username="town1")
    assert Warning.objects.filter(unit__path__startswith=town1.org_node.path).count() >= 2
    models = set(Warning.objects.values_list("model_id", flat=True))
    assert {"cadre_relative_benefit", "payroll_subsistence", "deceased_paid"} <= models
    assert "subsidy_disclosure_mismatch" in models  # the money trail over the villages' lists
    states = set(WorkItem.objects.filter(kind="analytics.clue").values_list("state", flat=True))
    assert {"verify", "hold", "concluded", "proposed_talk", "study"} <= states
    assert Warning.objects.filter(status=Warning.Status.DISMISSED).count() == 1
    counts = (DataSource.objects.count(), Warning.objects.count(), WorkItem.objects.count())
    demo.build(rng=random.Random(2))
    assert (DataSource.objects.count(), Warning.objects.count(), WorkItem.objects.count()) == counts
