"""Prepared queries give exactly the rows the ORM gives, converted the same way, on SQLite and
on PostgreSQL; they refuse what they cannot prepare."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from oversight.core.prepared import NUMBER_MARKER, Prepared, loaded
from oversight.loop.models import WorkItem
from oversight.loop.services import item_open

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "title", "state", "final_deadline", "opened_at", "closed_on_time",
           "responsible_node__name")  # fmt: skip


@pytest.fixture
def items(loop_county):
    made = []
    for n in range(3):
        item = item_open(
            kind="matters.task", title=f"Task {n}", actor=None,
            responsible_node=loop_county.town1, supervising_node=loop_county.commission,
            final_deadline=timezone.localdate() + timedelta(days=n + 1),
        )  # fmt: skip
        made.append(item)
    WorkItem.objects.filter(pk=made[0].pk).update(closed_on_time=True)
    return made


def test_it_returns_the_rows_the_orm_returns(items):
    by_title = Prepared(lambda key: WorkItem.objects.filter(title=key).values_list(*COLUMNS))
    by_id = Prepared(
        lambda key: WorkItem.objects.filter(pk=key).values_list(*COLUMNS), marker=NUMBER_MARKER
    )
    for item in items:
        expected = list(WorkItem.objects.filter(pk=item.pk).values_list(*COLUMNS))
        assert by_title.rows(item.title) == expected == by_id.rows(item.pk)
        row = by_id.rows(item.pk)[0]
        assert isinstance(row[3], date) and row[4].tzinfo is not None  # converted, aware
    assert by_id.rows(items[0].pk)[0][5] is True and by_title.rows("no such title") == []


def test_it_takes_several_parameters_or_none(items):
    by_state_and_title = Prepared(
        lambda state, title: WorkItem.objects.filter(state=state, title=title).values_list("pk"),
        markers=("\x00state\x00", "\x00title\x00"),
    )
    assert by_state_and_title.rows(items[1].state, "Task 1") == [(items[1].pk,)]
    assert by_state_and_title.rows("closed", "Task 1") == []
    every = Prepared(lambda: WorkItem.objects.order_by("pk").values_list("pk"), markers=())
    assert every.rows() == [(item.pk,) for item in items]
    with pytest.raises(TypeError):
        every.rows(1)
    with pytest.raises(ValueError):
        Prepared(lambda a, b: WorkItem.objects.values_list("pk"), markers=(1, 1))


def test_loaded_builds_an_instance_as_the_orm_would(items):
    item = loaded(WorkItem, {"id": items[1].pk, "kind": "matters.task", "state": "assigned"})
    assert item.pk == items[1].pk and not item._state.adding
    assert item.state_label and item.get_deferred_fields() >= {"title", "final_deadline"}


def test_it_refuses_what_it_cannot_prepare(items):
    with pytest.raises(TypeError):
        Prepared(lambda key: WorkItem.objects.filter(title=key)).rows("x")
    with pytest.raises(ValueError):
        Prepared(
            lambda key: WorkItem.objects.filter(title=key, description=key).values_list("pk")
        ).rows("x")
