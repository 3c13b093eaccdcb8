"""The demonstration builder: two rounds, about 300 findings, tasks in every state, one round's
reports signed and accepted, the other in its two-month window; a second run changes nothing;
the ledger verifies."""

import random

import pytest

from oversight.inspections import demo
from oversight.inspections.models import Finding, InspectedUnit, LookBackCheck, Round, Task
from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo

pytestmark = pytest.mark.django_db


def test_it_builds_two_rounds_with_tasks_in_every_state():
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("inspections"))
    assert Round.objects.count() == 2
    assert 250 <= Finding.objects.count() <= 400
    states = set(Task.objects.values_list("item__state", flat=True))
    assert states == {"assigned", "rectifying", "reported", "closed"}
    finished, current = Round.objects.order_by("number")
    assert set(
        InspectedUnit.objects.filter(round=finished).values_list("report_item__state", flat=True)
    ) == {"accepted"}
    assert set(
        InspectedUnit.objects.filter(round=current).values_list("report_item__state", flat=True)
    ) == {"open"}
    assert Task.objects.filter(item__closed_at__isnull=True, item__light="red").exists()
    assert Task.objects.filter(item__closed_on_time=False).exists()
    assert Task.objects.filter(item__events__transition="return").exists()
    outcomes = set(LookBackCheck.objects.values_list("outcome", flat=True))
    assert outcomes == {"pending", "confirmed", "reopened"}
    reopened = LookBackCheck.objects.filter(outcome="reopened").count()
    assert Task.objects.filter(reopens__isnull=False).count() == reopened
    count = Task.objects.count()
    demo.build(rng=random.Random("inspections"))
    assert Task.objects.count() == count
    _run, report = ledger.run_verification()
    assert report.ok, [str(m) for m in report.mismatches][:5]
