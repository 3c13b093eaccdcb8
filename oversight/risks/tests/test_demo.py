"""The demonstration catalogue: about sixty points over seven post categories, assigned to the
bureaus, and reminders fired by the rules over the org demo; a second run changes nothing; the
ledger verifies."""

import random

import pytest

from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo
from oversight.risks import demo
from oversight.risks.models import Reminder, RiskPoint

pytestmark = pytest.mark.django_db


def test_it_builds_the_catalogue_and_fires_reminders():
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("risks"))
    assert 55 <= RiskPoint.objects.count() <= 65
    assert RiskPoint.objects.values("category").distinct().count() == 7
    fired = Reminder.objects.count()
    assert fired > 0
    demo.build(rng=random.Random("risks"))
    assert Reminder.objects.count() == fired
    _run, report = ledger.run_verification()
    assert report.ok, [str(m) for m in report.mismatches][:5]
