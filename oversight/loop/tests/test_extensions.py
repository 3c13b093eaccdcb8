from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.loop import services
from oversight.loop.models import ExtensionRequest


def test_it_moves_the_deadline_on_approval_and_keeps_the_old_one(loop_county, open_task):
    task = open_task(deadline=date(2026, 3, 20))
    request = services.extension_request(
        item=task, actor=loop_county.town1_officer, new_deadline=date(2026, 4, 10), reason="Rain"
    )
    services.extension_decide(request=request, actor=loop_county.supervisor, approve=True)
    task.refresh_from_db()
    assert task.final_deadline == date(2026, 4, 10)
    history = [e.data for e in task.events.filter(type="extension")]
    assert history[-1] == {"status": "approved", "old": "2026-03-20", "new": "2026-04-10"}


def test_it_needs_a_reason_to_refuse_and_keeps_the_deadline(loop_county, open_task):
    task = open_task(deadline=date(2026, 3, 20))
    request = services.extension_request(
        item=task, actor=loop_county.town1_officer, new_deadline=date(2026, 4, 10), reason="Rain"
    )
    with pytest.raises(ValidationError) as refused:
        services.extension_decide(request=request, actor=loop_county.supervisor, approve=False)
    assert refusal_codes(refused.value) == {"comment": ["required"]}
    services.extension_decide(
        request=request, actor=loop_county.supervisor, approve=False, comment="Not justified"
    )
    task.refresh_from_db()
    assert task.final_deadline == date(2026, 3, 20)
    assert ExtensionRequest.objects.get().status == "rejected"


def test_it_refuses_bad_requests(loop_county, open_task):
    task = open_task(deadline=date(2026, 3, 20))
    with pytest.raises(ValidationError) as refused:
        services.extension_request(
            item=task, actor=loop_county.town1_officer, new_deadline=date(2026, 3, 1), reason="x"
        )
    assert refusal_codes(refused.value) == {"new_deadline": ["not_later"]}
    with pytest.raises(services.TransitionRefused) as refused:
        services.extension_request(
            item=task, actor=loop_county.town2_officer, new_deadline=date(2026, 4, 1), reason="x"
        )
    assert refusal_codes(refused.value) == ["not_responsible"]
    request = services.extension_request(
        item=task, actor=loop_county.town1_officer, new_deadline=date(2026, 4, 1), reason="x"
    )
    with pytest.raises(
        services.TransitionRefused
    ):  # the responsible side cannot approve its own request
        services.extension_decide(request=request, actor=loop_county.town1_officer, approve=True)
    assert ExtensionRequest.objects.count() == 1
