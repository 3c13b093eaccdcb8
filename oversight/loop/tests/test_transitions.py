"""The engine performs declared transitions for the right people and refuses everything else."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.conftest import refusal_codes
from oversight.ledger.models import Leaf
from oversight.loop import services
from oversight.loop.models import Attachment, Event, WorkItem
from oversight.notify.models import Notification

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_opens_an_item_in_its_initial_state_with_a_trace(loop_county, open_task):
    task = open_task()
    assert task.state == "assigned" and task.waiting_on == "responsible"
    assert task.tree_path == f"{task.parent.tree_path}{task.pk}/"
    assert Event.objects.get(item=task).type == "created"
    assert Leaf.objects.filter(action="loop.item.open").count() == 2
    recipients = set(
        Notification.objects.filter(kind="loop.assigned").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"town1", "town1-leader"} <= recipients


def test_it_runs_report_return_verify(loop_county, open_task):
    task = open_task()
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    task = services.item_transition(
        item=task,
        name="submit",
        actor=loop_county.town1_officer,
        comment="Road repaired",
        files=[upload],
    )
    assert task.state == "submitted" and task.step_deadline == date(2026, 3, 9)
    assert Attachment.objects.get(item=task).name == "photo.png"
    task = services.item_transition(
        item=task, name="return", actor=loop_county.supervisor, comment="No photo of the bridge"
    )
    assert task.state == "returned"
    task = services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="Bridge too"
    )
    task = services.item_transition(item=task, name="verify", actor=loop_county.supervisor)
    assert task.state == "closed" and task.closed_at and task.closed_on_time
    assert task.light == WorkItem.Light.NONE
    task.parent.refresh_from_db()
    assert task.parent.progress == 100
    steps = list(
        task.events.filter(type__in=["created", "transition"]).values_list("transition", flat=True)
    )
    assert steps == ["", "submit", "return", "submit", "verify"]


def test_it_refuses_undeclared_steps(loop_county, open_task):
    task = open_task()
    with pytest.raises(services.TransitionRefused) as refused:
        services.item_transition(item=task, name="teleport", actor=loop_county.supervisor)
    assert refusal_codes(refused.value) == ["unknown_step"]
    with pytest.raises(services.TransitionRefused) as refused:
        services.item_transition(
            item=task, name="verify", actor=loop_county.supervisor
        )  # not from "assigned"
    assert refusal_codes(refused.value) == ["wrong_state"]


def test_it_refuses_people_without_the_function_or_the_relation(loop_county, open_task):
    task = open_task()
    # other town: no relation to the item
    with pytest.raises(services.TransitionRefused) as refused:
        services.item_transition(
            item=task, name="submit", actor=loop_county.town2_officer, comment="x"
        )
    assert refusal_codes(refused.value) == ["not_allowed"]
    with pytest.raises(services.TransitionRefused) as refused:  # the cadre lacks loop:item:handle
        services.item_transition(item=task, name="submit", actor=loop_county.cadre, comment="x")
    assert refusal_codes(refused.value) == ["not_allowed"]
    services.item_transition(
        item=task, name="submit", actor=loop_county.town1_officer, comment="done"
    )
    # the responsible side cannot verify itself
    with pytest.raises(services.TransitionRefused) as refused:
        services.item_transition(item=task, name="verify", actor=loop_county.town1_officer)
    assert refusal_codes(refused.value) == ["not_allowed"]
    task.refresh_from_db()
    assert task.state == "submitted"


def test_it_requires_a_comment_where_declared_and_writes_nothing_without_it(loop_county, open_task):
    task = open_task()
    with pytest.raises(ValidationError) as err:
        services.item_transition(
            item=task, name="submit", actor=loop_county.town1_officer, comment="  "
        )
    assert refusal_codes(err.value) == {"comment": ["required"]}
    assert "comment" in err.value.message_dict
    task.refresh_from_db()
    assert task.state == "assigned" and task.events.count() == 1


def test_it_rejects_bad_evidence_and_stores_none_of_it(loop_county, open_task):
    task = open_task()
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    with pytest.raises(ValidationError) as err:
        services.item_transition(
            item=task,
            name="submit",
            actor=loop_county.town1_officer,
            comment="x",
            files=[good, fake, script],
        )
    assert refusal_codes(err.value) == ["content", "type"]
    text = " ".join(err.value.messages)
    assert "report.pdf" in text and "run.exe" in text
    assert Attachment.objects.count() == 0
    task.refresh_from_db()
    assert task.state == "assigned"


def test_it_keeps_a_matter_open_while_a_task_is(loop_county, open_task):
    task = open_task()
    with pytest.raises(ValidationError) as refused:
        services.item_transition(item=task.parent, name="close", actor=loop_county.supervisor)
    assert refusal_codes(refused.value) == ["open"]
    task.parent.refresh_from_db()
    assert task.parent.state == "in_progress" and task.parent.closed_at is None


ACTORS = ["town1_officer", "town2_officer", "supervisor", "cadre", "town1_leader"]
NAMES = ["submit", "return", "verify", "close", "teleport"]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.sampled_from(ACTORS), st.sampled_from(NAMES)), max_size=8))
def test_it_never_reaches_an_undeclared_state_or_skips_a_permission(loop_county, open_task, steps):
    task = open_task(title=f"Property {len(steps)}")
    workflow = task.workflow
    declared = {s.code for s in workflow.states}
    for actor_name, name in steps:
        actor = getattr(loop_county, actor_name)
        task.refresh_from_db()
        transition = workflow.transition(name)
        allowed = transition is not None and services.can_perform(task, actor, transition)
        try:
            services.item_transition(item=task, name=name, actor=actor, comment="because")
        except (services.TransitionRefused, ValidationError):
            task.refresh_from_db()
            assert not allowed
            continue
        assert allowed, (actor_name, name)
        task.refresh_from_db()
        assert task.state in declared
        assert task.state == transition.target


def test_it_performs_public_steps_only_through_the_public_service(loop_county, open_task):
    task = open_task()
    with pytest.raises(
        services.TransitionRefused
    ) as refused:  # a staff transition is not a public one
        services.item_public_transition(item=task, name="submit", actor_name="群众")
    assert refusal_codes(refused.value) == ["unknown_step"]
    from oversight.public.workflows import COMPLAINT

    evaluate = COMPLAINT.transition("evaluate")
    assert evaluate.actor == "public"
    assert all(t.actor != "public" for t in services.available_transitions(task, loop_county.admin))
