"""Warnings are traced rows: the runs record a leaf for each warning they raise or change (in
bulk), a second run that finds the same again records none, and every column edited with SQL
behind the platform's back is named."""

from __future__ import annotations

import pytest

from oversight.analytics import services
from oversight.analytics.models import Warning
from oversight.ledger.models import Leaf
from oversight.ledger.tests.traced import assert_every_column_edit_named
from oversight.ledger.verify import verify_ledger

from .conftest import DEAD_TOWN1

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(loaded, run_models):
    run_models(loaded.county.supervisor)
    return loaded.county


def test_a_run_records_each_warning_it_raises_and_nothing_when_found_again(raised, run_models):
    warnings = list(Warning.objects.order_by("pk"))
    assert warnings
    leaves = Leaf.objects.filter(target_type="analytics.warning")
    assert set(leaves.values_list("target_id", flat=True)) == {str(w.pk) for w in warnings}
    count = leaves.count()
    run_models(raised.supervisor)  # the same findings: only the run bookkeeping moves
    assert leaves.count() == count
    report = verify_ledger()  # (the fixture's roles are given permissions without a service)
    assert [str(m) for m in report.mismatches if m.table == "analytics_warning"] == []


def test_every_column_edited_with_sql_is_named(raised):
    warning = Warning.objects.get(subject_id=DEAD_TOWN1)
    services.warning_dismiss(warning=warning, actor=raised.supervisor, reason="Repaid")
    warning.refresh_from_db()
    edited = assert_every_column_edit_named(Warning, warning, skipped=("last_run", "last_seen"))
    assert {"status", "unit", "gone_run", "amount", "dismissal_reason"} <= set(edited)
