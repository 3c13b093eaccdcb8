"""The demonstration builder: two systems modelled on the seed's, last year's rounds frozen and
published, this year's computed; a second run changes nothing; the ledger verifies."""

import datetime
import random

import pytest

from oversight.ecology import demo, selectors
from oversight.ecology.models import EvaluationRound, IndicatorSystem, Portrait
from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo

pytestmark = pytest.mark.django_db


def test_it_builds_two_years_of_portraits(today):
    today(datetime.date(2026, 12, 4))
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("ecology"))
    systems = IndicatorSystem.objects.order_by("year", "subject")
    assert [(s.year, s.subject) for s in systems] == [
        (2025, "leader"),
        (2025, "unit"),
        (2026, "leader"),
        (2026, "unit"),
    ]
    unit_system = systems.get(year=2026, subject="unit")
    leaves = unit_system.indicators.exclude(rule="").count()
    assert 80 <= leaves <= 100 and unit_system.indicators.filter(parent=None).count() == 7
    assert unit_system.indicators.filter(source="measure").exists()
    leader_system = systems.get(year=2026, subject="leader")
    assert leader_system.indicators.filter(parent=None).count() == 6
    for system in systems:
        assert selectors.weight_problems(system=system) == []
    frozen = EvaluationRound.objects.filter(state="frozen", published=True)
    assert frozen.count() == 2
    assert EvaluationRound.objects.filter(state="open", computed_at__isnull=False).count() == 2
    assert Portrait.objects.filter(person__isnull=False).exists()
    this_year = Portrait.objects.filter(round__system=unit_system).first()
    assert selectors.radar(portrait=this_year)["last_year"] is not None
    count = Portrait.objects.count()
    demo.build(rng=random.Random("ecology"))
    assert Portrait.objects.count() == count
    _run, report = ledger.run_verification()
    assert report.ok
