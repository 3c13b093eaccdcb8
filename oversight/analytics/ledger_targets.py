"""The analytics warnings (预警) as traced rows: the check compares each with the state its
latest leaf recorded (a warning dismissed, moved to another unit, marked gone or its facts
changed with SQL is named). The jobs record their leaves in bulk, one per warning a batch
raised or changed (see ``models.record_warning_changes``)."""

from oversight.ledger.targets import traced

from .models import Warning

TARGETS = [
    # Which run last found a warning, and when, follow every run that finds it again: the
    # bookkeeping of a finding repeated, not a change of the warning (its facts, unit, status
    # and whether it is gone are all in its state).
    traced(Warning, exclude=("last_run", "last_seen")),
]
