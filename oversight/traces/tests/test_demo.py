"""The demonstration builder: with the integrity files and a warning naming a leader's
relative, the first flagged path is taken up; a second run changes nothing; the ledger
verifies."""

import datetime
import random

import pytest

from oversight.analytics.models import Warning
from oversight.integrity import demo as integrity_demo
from oversight.integrity.models import Relative
from oversight.ledger.verify import verify_ledger
from oversight.loop.models import WorkItem
from oversight.orgs import demo as org_demo
from oversight.traces import demo

pytestmark = pytest.mark.django_db


def test_it_takes_up_a_planted_path_and_a_second_run_changes_nothing(today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today(datetime.date(2026, 3, 2))
    org_demo.build(rng=random.Random("orgs"))
    integrity_demo.build(rng=random.Random("integrity"))
    relative = Relative.objects.exclude(resident_id="").order_by("pk").first()
    Warning.objects.create(
        model_id="relatives_vendor",
        fingerprint="fp-demo",
        subject_id=relative.resident_id,
        subject_name=relative.name,
        severity="red",
        reason_zh="亲属经营企业中标",
        reason_en="a relative's company won a tender",
        match_method="id",
    )
    demo.build(rng=random.Random("traces"))
    demo.build(rng=random.Random("traces"))
    items = WorkItem.objects.filter(kind="traces.finding")
    assert items.count() == 1
    # only the warning planted here without the comparison models' run is untraced
    assert {m.table for m in verify_ledger().mismatches} == {"analytics_warning"}
