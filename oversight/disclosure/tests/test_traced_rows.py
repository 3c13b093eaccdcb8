"""Captured notices, expectations and lapses are traced rows: a notice's date or content, or a
lapse's kind, changed in the database behind the platform is named by verify_ledger."""

from __future__ import annotations

from datetime import date

import pytest

from oversight.disclosure import services
from oversight.disclosure.models import Expectation, Lapse, Occurrence, Publication
from oversight.ledger.models import Leaf
from oversight.ledger.targets import model_for
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


def test_an_occurrence_keeps_the_ledger_name_it_was_first_written_under(disclosure_county, today):
    """The model was renamed; a leaf's type is hashed, so old and new leaves name it the same."""
    c = disclosure_county
    event_item = services.catalogue_item_save(
        actor=c.supervisor, title="重大项目公示", category="village", area="major_projects",
        unit_type="village", frequency="event", keywords="项目公示",
    )  # fmt: skip
    today(date(2026, 4, 2))
    event = services.event_record(
        actor=c.town1_officer, node=c.village1a, catalogue_item=event_item,
        title="村道硬化项目立项", happened_on=date(2026, 4, 2),
    )  # fmt: skip
    leaf = Leaf.objects.get(action="disclosure.event.record")
    assert (leaf.target_type, leaf.target_id) == ("disclosure.disclosureevent", str(event.pk))
    assert model_for("disclosure.disclosureevent") is Occurrence
    assert verify_ledger().ok
    assert {"title", "happened_on"} <= set(assert_every_column_edit_named(Occurrence, event))
