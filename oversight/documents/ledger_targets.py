"""Issued documents, their serial numbers and their receipts (收文) as traced rows: the check
compares each with the state its latest leaf recorded (a serial number or a recipient changed,
a counter wound back, a receipt marked signed, all with SQL, are named)."""

from oversight.ledger.targets import traced

from .models import Document, Receipt, SerialCounter, SerialPrefix

TARGETS = [
    traced(Document),
    # The counter's leaf is recorded with the issue that took the number.
    traced(SerialCounter),
    # ``updated_at`` follows every save.
    traced(SerialPrefix, exclude=("updated_at",)),
    # ``reminded_at`` is the platform's note that it reminded the unit to sign (the sweep sets
    # it in batches): bookkeeping of a notification, not a change of the receipt.
    traced(Receipt, exclude=("reminded_at",)),
]
