"""Captured notices, expectations and lapses are traced rows: a notice's date or content, or a
lapse's kind, changed in the database behind the platform is named by verify_ledger."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.disclosure import services
from oversight.disclosure.models import Expectation, Lapse, Publication
from oversight.ledger.tests.traced import assert_every_column_edit_named
from oversight.ledger.verify import verify_ledger
from oversight.schedules import services as schedules

pytestmark = pytest.mark.django_db


def test_every_column_edited_is_named(disclosure_county, today):
    c = disclosure_county
    today(date(2026, 4, 2))
    schedules.schedule_run(on=date(2026, 4, 2))
    today(date(2026, 4, 23))
    services.publication_capture(
        actor=c.supervisor, node=c.village1a, title="2026年第一季度村务公开",
        published_on=date(2026, 4, 23), fields="收入", body="收入 100元",
    )  # fmt: skip
    services.check_run(on=date(2026, 4, 24))
    assert verify_ledger().ok
    notice = Publication.objects.get()
    assert {"published_on", "body", "digest", "node"} <= set(
        assert_every_column_edit_named(Publication, notice)
    )
    lapse = Lapse.objects.filter(node=c.village1a, key="2026-Q1").first()
    assert {"kind", "detail"} <= set(assert_every_column_edit_named(Lapse, lapse))
    expectation = Expectation.objects.get(node=c.village1a, key="2026-Q1")
    assert "status" in assert_every_column_edit_named(Expectation, expectation)
