"""The loop's records in the ledger: the electronic file of a closed work item (a fixed
record), and every work item as a traced row, its events and evidence with it; whoever may see
an item or a whole file may open its receipt and trace."""

from oversight.ledger.targets import TargetKind, snapshot, traced
from oversight.lib.canonical import digest

from .efile import FILE_RECORD, fixed_content
from .models import (
    Attachment,
    CalendarDay,
    CoOwner,
    Event,
    ExtensionRequest,
    KindSetting,
    WorkItem,
)
from .selectors import visible_item_ids, whole_file_visible_ids

# Kept up to date without being a change of the item: the light follows the calendar (the
# sweep repaints it), ``updated_at`` follows every save.
DERIVED = ("light", "updated_at")


def _children(model, item_ids: list[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {pk: {} for pk in item_ids}
    for row in model.objects.filter(item_id__in=item_ids).order_by("pk"):
        found[row.item_id][str(row.pk)] = digest(snapshot(row))
    return found


def item_states(items: list[WorkItem]) -> dict[int, dict]:
    """What a work item's leaf fixes of it: its columns, and a digest of each of its events,
    attachments, extension requests and co-owning units (so a deleted or edited event shows on
    its item, named by its id)."""
    ids = [item.pk for item in items]
    events, attachments = _children(Event, ids), _children(Attachment, ids)
    extensions = _children(ExtensionRequest, ids)
    co_owners = _children(CoOwner, ids)
    states = {}
    for item in items:
        state = snapshot(item, exclude=DERIVED)
        state["events"] = events[item.pk]
        state["attachments"] = attachments[item.pk]
        state["extension_requests"] = extensions[item.pk]
        state["co_owners"] = co_owners[item.pk]  # the units sharing it: they see it
        states[item.pk] = state
    return states


def item_state(item: WorkItem) -> dict:
    return item_states([item])[item.pk]


def _items(viewer, ids: list[str]) -> set[str]:
    return visible_item_ids(viewer=viewer, ids=[i for i in ids if i.isdigit()])


def _files(viewer, ids: list[str]) -> set[str]:
    return whole_file_visible_ids(viewer=viewer, ids=ids)


TARGETS = [
    TargetKind(type=FILE_RECORD, snapshot=fixed_content, table="loop_workitem", visible=_files),
    TargetKind(type="loop.workitem", state=item_state, states=item_states, visible=_items),
    # The calendar's corrections and the kinds' settings move every deadline and light.
    traced(CalendarDay),
    traced(KindSetting),
]
