"""Major matters: registering, decomposing, milestones, scope and the leader's overview."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from oversight.conftest import client_for, refusal_codes
from oversight.loop import services as loop
from oversight.matters import selectors, services
from oversight.matters.models import Milestone


@pytest.fixture
def matter(loop_county):
    return services.matter_register(
        actor=loop_county.supervisor,
        title="Clean the river",
        category="project",
        description="",
        source="Meeting 3",
        lead_node=loop_county.town1,
        supervising_node=loop_county.commission,
        final_deadline=date(2026, 6, 30),
    )


def test_it_registers_and_decomposes_a_matter(loop_county, matter):
    task = services.task_add(
        actor=loop_county.supervisor,
        parent=matter.item,
        title="Dredge",
        description="",
        lead_node=loop_county.town1,
        assisting_nodes=[loop_county.unit_b],
        final_deadline=date(2026, 5, 31),
        milestones=[("Contract", date(2026, 4, 1))],
    )
    assert task.parent == matter.item and task.kind == "matters.task"
    assert set(task.co_owners.values_list("role", flat=True)) == {"lead", "assist"}
    assert Milestone.objects.get(item=task).title == "Contract"
    assert loop.RESPONSIBLE in loop.relations(task, loop_county.town1_officer)


def test_it_refuses_a_task_after_the_matters_deadline_and_a_late_milestone(loop_county, matter):
    with pytest.raises(ValidationError) as refused:
        services.task_add(
            actor=loop_county.supervisor,
            parent=matter.item,
            title="Late",
            description="",
            lead_node=loop_county.town1,
            final_deadline=date(2026, 7, 31),
        )
    assert refusal_codes(refused.value) == {"final_deadline": ["after_parent"]}
    with pytest.raises(ValidationError) as refused:
        services.task_add(
            actor=loop_county.supervisor,
            parent=matter.item,
            title="Odd",
            description="",
            lead_node=loop_county.town1,
            final_deadline=date(2026, 5, 1),
            milestones=[("After", date(2026, 5, 2))],
        )
    assert refusal_codes(refused.value) == {"milestones": ["after_deadline"]}
    assert not matter.item.children.exists()


def test_it_refuses_registration_without_the_function(loop_county):
    with pytest.raises(PermissionDenied):
        services.matter_register(
            actor=loop_county.town1_officer,
            title="x",
            category="other",
            description="",
            source="",
            lead_node=loop_county.town1,
            supervising_node=loop_county.commission,
            final_deadline=date(2026, 6, 30),
        )


def test_it_shows_matters_only_in_scope(loop_county, matter):
    assert [m.item.title for m in selectors.matter_list(viewer=loop_county.town1_officer)] == [
        "Clean the river"
    ]
    assert list(selectors.matter_list(viewer=loop_county.town2_officer)) == []
    outsider = client_for(loop_county.town2_officer)
    assert outsider.get(f"/matters/{matter.item_id}/").status_code == 404
    assert outsider.post(f"/matters/{matter.item_id}/tasks/add/", {}).status_code in (403, 404)
    assert "Clean the river" not in outsider.get("/matters/").content.decode()
    assert "Clean the river" in client_for(loop_county.supervisor).get("/matters/").content.decode()


def test_it_rejects_bad_task_input_with_messages(loop_county, matter):
    response = client_for(loop_county.supervisor).post(
        f"/matters/{matter.item_id}/tasks/add/",
        {
            "title": "",
            "lead_node": loop_county.town1.pk,
            "final_deadline": "2026-05-01",
            "milestones": "tomorrow Contract\n2026-04-01",
        },
    )
    assert response.status_code == 400
    errors = response.context["task_form"].errors
    assert "title" in errors and len(errors["milestones"]) == 2
    assert not matter.item.children.exists()


def test_it_ranks_units_by_on_time_rate_in_the_overview(loop_county, matter):
    task = services.task_add(
        actor=loop_county.supervisor,
        parent=matter.item,
        title="Dredge",
        description="",
        lead_node=loop_county.town1,
        final_deadline=date(2026, 5, 31),
    )
    loop.item_transition(item=task, name="submit", actor=loop_county.town1_officer, comment="done")
    loop.item_transition(item=task, name="verify", actor=loop_county.supervisor)
    overview = selectors.overview(viewer=loop_county.supervisor)
    assert [r.label for r in overview["ranking"]] == ["County"]
    assert overview["ranking"][0].on_time_rate == 100.0
    page = client_for(loop_county.supervisor).get("/matters/")
    assert page.status_code == 200 and "Clean the river" in page.content.decode()


def test_the_overview_counts_every_open_matter_and_filters_by_light(loop_county):
    from oversight.loop.models import WorkItem
    from oversight.matters.selectors import OVERVIEW_SHOWN

    for n in range(OVERVIEW_SHOWN + 3):
        services.matter_register(
            actor=loop_county.supervisor, title=f"Matter {n}", category="project",
            description="", source="", lead_node=loop_county.town1,
            supervising_node=loop_county.commission, final_deadline=date(2026, 6, 30),
        )  # fmt: skip
    red = list(WorkItem.objects.filter(kind="matters.matter").order_by("pk")[:2])
    WorkItem.objects.filter(pk__in=[i.pk for i in red]).update(light=WorkItem.Light.RED)
    client = client_for(loop_county.supervisor)
    page = client.get("/matters/")
    assert page.context["counts"]["red"] == 2
    assert sum(page.context["counts"].values()) == OVERVIEW_SHOWN + 3  # all, not those shown
    assert len(page.context["matters"]) == OVERVIEW_SHOWN and page.context["more"]
    assert {m.item.light for m in page.context["matters"][:2]} == {"red"}  # most urgent first
    only_red = client.get("/matters/?light=red")
    assert [m.item_id for m in only_red.context["matters"]] == [i.pk for i in sorted(
        red, key=lambda i: (i.final_deadline, -i.pk))]  # fmt: skip
    assert not only_red.context["more"] and 'href="?light=red" aria-current="true"' in (
        only_red.content.decode()
    )
    assert client.get("/matters/?light=purple").context["light"] == ""
    # someone outside the scope counts none of them
    outsider = client_for(loop_county.town2_officer).get("/matters/")
    assert outsider.status_code == 200 and outsider.context["counts"] == {
        "red": 0, "yellow": 0, "green": 0,
    }  # fmt: skip
