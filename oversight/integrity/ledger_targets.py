"""The records of integrity files as traced rows: the check compares each with the state its
latest leaf recorded (a sanction's date moved, a relative's resident ID changed or an opening's
reason rewritten with SQL are named)."""

from oversight.ledger.targets import traced

from .models import FileView, MatterEntry, MatterReport, Relative, Sanction

TARGETS = [
    traced(Relative),
    traced(Sanction),
    traced(MatterReport),
    traced(MatterEntry),
    traced(FileView),
]
