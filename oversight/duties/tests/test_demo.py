"""The demonstration builder: a list issued to every town and unit, signed for, with reports
made, returned and scored; a second run changes nothing; the ledger verifies."""

import datetime
import random

import pytest

from oversight.duties import demo, selectors
from oversight.duties.models import DutyItem, DutyList, DutyReport, UnitList
from oversight.ledger import services as ledger
from oversight.orgs import demo as org_demo
from oversight.orgs.models import Account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", [datetime.date(2026, 3, 2), datetime.date(2026, 12, 4)])
def test_it_builds_a_list_with_reports_in_every_state(today, day):
    today(day)
    org_demo.build(rng=random.Random("orgs"))
    demo.build(rng=random.Random("duties"))
    duty_list = DutyList.objects.get()
    assert duty_list.total_points == 100
    style = DutyItem.objects.get(measure="public.window_rating")
    assert style.rule == "threshold" and not style.reports.exists()
    assert {"points", "all_or_nothing", "per_occurrence", "deduction", "veto"} <= set(
        DutyItem.objects.values_list("rule", flat=True)
    )
    assert duty_list.year == (2026 if day.month < 11 else 2027)
    assert UnitList.objects.filter(signed_at__isnull=False).exists()
    states = set(DutyReport.objects.values_list("item__state", flat=True))
    assert states == {"open", "submitted", "returned", "accepted"}
    ranked = selectors.scores(
        viewer=Account.objects.get(username="supervisor"), duty_list=duty_list
    )
    assert any(s.rank == 1 for s in ranked)
    supervisor = Account.objects.get(username="supervisor")
    flags = [
        selectors.report_check(viewer=supervisor, report=r)
        for r in DutyReport.objects.filter(reported_on__isnull=False)
    ]
    assert any(f.copied for f in flags) and any(f.thin for f in flags)
    assert any(not f.copied and not f.thin for f in flags)
    count = DutyReport.objects.count()
    demo.build(rng=random.Random("duties"))
    assert DutyReport.objects.count() == count
    _run, report = ledger.run_verification()
    assert report.ok
