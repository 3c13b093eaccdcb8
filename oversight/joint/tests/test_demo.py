"""The demonstration plan: four departments, findings shared and kept, hand-overs in every
state, the lead's interim joint report; a second run changes nothing; the ledger verifies."""

import random

import pytest

from oversight.documents.models import Document
from oversight.joint import demo
from oversight.joint.models import Handover, Plan
from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo

pytestmark = pytest.mark.django_db


def test_it_builds_a_plan_of_four_departments_with_hand_overs():
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("joint"))
    plan = Plan.objects.get()
    assert plan.members.count() == 4
    assert (
        plan.findings.filter(shared=False).exists() and plan.findings.filter(shared=True).exists()
    )
    states = set(Handover.objects.values_list("item__state", flat=True))
    assert states == {"handed_over", "handling", "reported", "closed"}
    report = Document.objects.get(doc_type="joint_report")
    assert (report.target_type, report.target_id) == ("joint.plan", str(plan.pk))
    demo.build(rng=random.Random("joint"))
    assert Plan.objects.count() == 1
    _run, report = ledger.run_verification()
    assert report.ok, [str(m) for m in report.mismatches][:5]
