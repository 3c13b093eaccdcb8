"""The demo writes its past honestly: under a moved clock, through the services, so the
platform's own check finds a freshly built demo exactly as recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from oversight.core import clock, demo
from oversight.ledger.models import Leaf
from oversight.ledger.verify import verify_ledger
from oversight.loop.models import WorkItem
from oversight.public.models import Complaint

pytestmark = pytest.mark.django_db

PRESENT = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)


def test_the_moved_clock_moves_django_s_clock_and_only_forward():
    start = datetime(2025, 1, 2, 3, 4, tzinfo=UTC)
    with clock.moved(start) as moved:
        first = timezone.now()
        assert start <= first < start + timedelta(seconds=5)
        assert timezone.localdate().year == 2025
        assert isinstance(first, datetime)
        moved.set(start - timedelta(days=1))  # never backwards
        assert timezone.now() >= first
        moved.set(start + timedelta(days=30))
        assert timezone.now() >= start + timedelta(days=30)
    assert timezone.now().year >= 2026


def test_a_fresh_demo_passes_the_ledger_check(monkeypatch):
    # The builders whose records have a past (the cockpit and the comparison models run at
    # the present and are left out to keep the test short).
    monkeypatch.setattr(
        demo,
        "BUILDERS",
        [
            "oversight.orgs.demo",
            "oversight.documents.demo",
            "oversight.matters.demo",
            "oversight.public.demo",
        ],
    )
    demo.build(seed=7, now=PRESENT)

    report = verify_ledger()
    problems = [str(m) for m in report.mismatches]
    print("\n".join(problems))
    assert problems == []
    assert report.size == Leaf.objects.count() > 1000
    # Published replies (fixed records) exist and their history lies in the past, in order.
    assert Complaint.objects.filter(published=True).exists()
    times = list(Leaf.objects.order_by("index").values_list("at", flat=True))
    assert times == sorted(times)
    assert times[0] <= PRESENT - timedelta(days=demo.HISTORY_DAYS - 1)
    assert times[-1] < PRESENT + timedelta(minutes=5)
    oldest = WorkItem.objects.order_by("opened_at").first()
    assert oldest.opened_at < PRESENT - timedelta(days=100)
    # Nothing was back-dated: every item opened when its first leaf was written.
    first_leaf = Leaf.objects.filter(target_type="loop.workitem", target_id=str(oldest.pk)).first()
    assert abs(first_leaf.at - oldest.opened_at) < timedelta(seconds=5)
