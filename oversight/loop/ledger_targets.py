"""The loop's records in the ledger: the electronic file of a closed work item (a fixed
record), and work items, whose receipt and trace whoever may see them may open."""

from oversight.ledger.targets import TargetKind

from .efile import FILE_RECORD, fixed_content
from .selectors import visible_item_ids, whole_file_visible_ids


def _items(viewer, ids: list[str]) -> set[str]:
    return visible_item_ids(viewer=viewer, ids=[i for i in ids if i.isdigit()])


def _files(viewer, ids: list[str]) -> set[str]:
    return whole_file_visible_ids(viewer=viewer, ids=ids)


TARGETS = [
    TargetKind(type=FILE_RECORD, snapshot=fixed_content, table="loop_workitem", visible=_files),
    TargetKind(type="loop.workitem", visible=_items),
]
