from django.db import transaction

from oversight.ledger import services as ledger


def graph_opened(*, actor, person) -> None:
    """Trace that ``actor`` opened ``person``'s graph (who looked at whose relations)."""
    with transaction.atomic():
        ledger.record(
            actor=actor,
            action="traces.graph.open",
            target=("traces.graph", person.pk),
            before=None,
            after=None,
            details={"person": person.pk},
        )
