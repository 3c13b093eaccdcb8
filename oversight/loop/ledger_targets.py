"""The loop's fixed records: the electronic file of a closed work item."""

from oversight.ledger.targets import TargetKind

from .efile import fixed_content

TARGETS = [TargetKind(type="loop.efile", snapshot=fixed_content, table="loop_workitem")]
