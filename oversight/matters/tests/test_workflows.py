"""The kinds matters declares (``matters/workflows.py``), tested beside their declaration: a task
is reported, returned with a rectification notice, reported again and verified; a matter
closes only when every task has, and only for a holder of ``matters:matter:close``."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from oversight.conftest import refusal_codes
from oversight.documents.models import Document
from oversight.loop import services as loop
from oversight.loop.services import TransitionRefused
from oversight.matters import services


@pytest.fixture
def task(loop_county):
    matter = services.matter_register(
        actor=loop_county.supervisor,
        title="Clean the river",
        category="project",
        description="",
        source="Meeting 3",
        lead_node=loop_county.town1,
        supervising_node=loop_county.commission,
        final_deadline=date(2026, 6, 30),
    )
    return services.task_add(
        actor=loop_county.supervisor,
        parent=matter.item,
        title="Dredge",
        description="",
        lead_node=loop_county.town1,
        assisting_nodes=[],
        final_deadline=date(2026, 5, 31),
        milestones=[],
    )


def test_it_runs_a_task_through_report_return_and_verification(loop_county, task):
    officer, supervisor = loop_county.town1_officer, loop_county.supervisor
    assert task.state == "assigned" and task.waiting_on == loop.RESPONSIBLE
    task = loop.item_transition(item=task, name="submit", actor=officer, comment="Dredged")
    assert task.state == "submitted" and task.step_deadline == date(2026, 3, 9)  # 5 working days
    task = loop.item_transition(item=task, name="return", actor=supervisor, comment="No photos")
    assert task.state == "returned"
    notice = Document.objects.get(target_type="loop.workitem", target_id=str(task.pk))
    assert notice.doc_type == "rectification_notice"
    task = loop.item_transition(item=task, name="submit", actor=officer, comment="Photos")
    task = loop.item_transition(item=task, name="verify", actor=supervisor)
    assert task.state == "closed" and task.closed_on_time


def test_it_keeps_a_matter_open_while_a_task_is(loop_county, task):
    matter = task.parent
    with pytest.raises(ValidationError) as refused:
        loop.item_transition(item=matter, name="close", actor=loop_county.supervisor)
    assert refusal_codes(refused.value) == ["tasks_open"]
    matter.refresh_from_db()
    assert matter.state == "in_progress" and matter.closed_at is None
    loop.item_transition(item=task, name="submit", actor=loop_county.town1_officer, comment="ok")
    loop.item_transition(item=task, name="verify", actor=loop_county.supervisor)
    matter = loop.item_transition(item=matter, name="close", actor=loop_county.supervisor)
    assert matter.state == "closed"


def test_it_lets_only_the_supervising_side_verify_and_close(loop_county, task):
    loop.item_transition(item=task, name="submit", actor=loop_county.town1_officer, comment="ok")
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=task, name="verify", actor=loop_county.town1_officer)
    assert refusal_codes(refused.value) == ["not_allowed"]
    with pytest.raises(TransitionRefused) as refused:
        loop.item_transition(item=task.parent, name="close", actor=loop_county.town1_officer)
    assert refusal_codes(refused.value) == ["not_allowed"]
