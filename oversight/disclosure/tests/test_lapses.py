"""A lapse's loop: the town sends a supervision suggestion (a document with its serial
number and a deadline), the village feeds back, the town returns it with a rectification
notice or verifies it; only those sides may act."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.disclosure import services
from oversight.disclosure.models import Lapse
from oversight.documents.models import Document
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused
from oversight.schedules import services as schedules

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapse(disclosure_county, today):
    c = disclosure_county
    today(date(2026, 4, 2))
    schedules.schedule_run(on=date(2026, 4, 2))
    today(date(2026, 4, 23))
    services.check_run(on=date(2026, 4, 23))
    return Lapse.objects.get(node=c.village1a, key="2026-Q1")


def test_the_town_sends_a_suggestion_with_a_deadline_and_verifies_the_feedback(
    disclosure_county, lapse
):
    c = disclosure_county
    item = loop.item_transition(
        item=lapse.item, name="suggest", actor=c.town1_officer, comment="请于期限内补充公开。"
    )
    assert item.state == "suggested"
    assert item.step_deadline == date(2026, 5, 11)  # 10 working days, May Day holiday skipped
    suggestion = Document.objects.get(doc_type="supervision_suggestion", target_id=str(item.pk))
    assert suggestion.serial
    lapse.refresh_from_db()
    assert lapse.suggested_on == date(2026, 4, 23)
    item = loop.item_transition(
        item=item, name="feedback", actor=c.village1a_clerk, comment="已于4月24日补充公开。"
    )
    item = loop.item_transition(
        item=item, name="return", actor=c.town1_officer, comment="未附公开栏照片。"
    )
    assert item.state == "suggested"
    assert Document.objects.filter(doc_type="rectification_notice", target_id=str(item.pk)).exists()
    lapse.refresh_from_db()
    assert lapse.notices == 1
    item = loop.item_transition(
        item=item, name="feedback", actor=c.village1a_clerk, comment="已补充照片。"
    )
    item = loop.item_transition(item=item, name="verify", actor=c.town1_officer)
    assert item.state == "verified" and item.closed_at is not None


def test_another_town_and_the_village_cannot_send_the_suggestion(disclosure_county, lapse):
    c = disclosure_county
    for actor in (c.town2_officer, c.village1a_clerk):
        with pytest.raises(TransitionRefused) as refused:
            loop.item_transition(item=lapse.item, name="suggest", actor=actor, comment="x")
        assert refused.value.code == "not_allowed"


def test_a_dismissal_needs_a_reason(disclosure_county, lapse):
    c = disclosure_county
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=lapse.item, name="dismiss", actor=c.town1_officer)
    assert refusal_codes(refused.value) == {"comment": ["required"]}
    item = loop.item_transition(
        item=lapse.item,
        name="dismiss",
        actor=c.town1_officer,
        comment="已在村公开栏公开，照片已核。",
    )
    assert item.state == "dismissed"
