from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.loop import services as loop
from oversight.orgs.access import has_perm

from . import selectors
from .workflows import KIND


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


def finding_take_up(*, actor, person_pk: int, number: int):
    """Open a ``traces.finding`` work item for the ``number``-th flagged path of the person's
    graph as ``actor`` sees it; the person's unit explains, the actor's unit supervises."""
    if not has_perm(actor, "traces:finding:handle"):
        raise PermissionDenied("traces:finding:handle")
    person, _graph, findings = selectors.person_graph(viewer=actor, pk=person_pk)
    if not 0 <= number < len(findings):
        raise ValidationError(
            {"number": ValidationError(_("No such flagged path."), code="invalid")}
        )
    finding = findings[number]
    return loop.item_open(
        kind=KIND,
        title=f"{person.name}: {finding.pattern.title}",
        description=finding.text(),
        actor=actor,
        responsible_node=person.org_node,
        supervising_node=actor.org_node,
    )
