"""The demonstration builder: files of leaders and cadres with relatives, sanctions inside and
outside their periods, reports (some missing) and openings; a second run changes nothing; the
ledger verifies."""

import datetime
import random

import pytest

from oversight.integrity import demo, selectors
from oversight.integrity.models import (
    FileView,
    MatterReport,
    Opinion,
    OpinionRequest,
    Relative,
    Sanction,
)
from oversight.ledger.verify import verify_ledger
from oversight.orgs import demo as org_demo
from oversight.orgs.models import Account

pytestmark = pytest.mark.django_db


def test_it_builds_files_and_a_second_run_changes_nothing(today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    day = today(datetime.date(2026, 3, 2))
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("integrity"))
    assert Relative.objects.filter(relative_person__isnull=False).exists()
    assert Relative.objects.filter(resident_id="").exists()
    lines = [
        line
        for person_id in Sanction.objects.values_list("person", flat=True)
        for line in selectors.sanction_lines(
            Sanction.objects.filter(person=person_id)[0].person, day
        )
    ]
    assert {line.in_period for line in lines} == {True, False}
    files = Relative.objects.values("person").distinct().count()
    assert 0 < MatterReport.objects.count() < files
    assert (
        FileView.objects.filter(own=True).exists() and FileView.objects.filter(own=False).exists()
    )
    counts = (Relative.objects.count(), Sanction.objects.count(), FileView.objects.count())
    demo.build(rng=random.Random("integrity"))
    assert counts == (Relative.objects.count(), Sanction.objects.count(), FileView.objects.count())
    cadre = Account.objects.get(username="cadre")
    assert list(selectors.people(viewer=cadre)) == [cadre.person]
    states = sorted(OpinionRequest.objects.values_list("item__state", flat=True))
    assert states == ["drafted", "signed"]
    assert Opinion.objects.filter(document__isnull=False).count() == 5
    assert verify_ledger().ok
