"""Reads of the collectives' books, scoped by the org tree: a town sees its villages', the
commission those of its whole tree, a sibling town nothing of another's (a detail outside the
scope is a 404). The public side reads only what was published."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q

from .models import (
    Anomaly,
    Asset,
    AssetStep,
    Collective,
    Contract,
    Entry,
    Payout,
    Reimbursement,
    Statement,
)


def collective_list(*, viewer) -> QuerySet[Collective]:
    return Collective.objects.filter(scope_q(viewer, node="node")).select_related("node")


def collective_get(*, viewer, pk: int) -> Collective:
    return get_object_or_404(collective_list(viewer=viewer), pk=pk)


def _under(qs, node, field="collective__node"):
    return qs.filter(**{f"{field}__path__startswith": node.path}) if node is not None else qs


def entry_list(*, viewer, node=None, month: str = "", category: str = "") -> QuerySet[Entry]:
    qs = Entry.objects.filter(scope_q(viewer, node="collective__node")).select_related(
        "collective__node"
    )
    qs = _under(qs, node)
    if month:
        qs = qs.filter(month=month)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-booked_on", "-pk")


def statement_list(*, viewer, node=None) -> QuerySet[Statement]:
    qs = Statement.objects.filter(scope_q(viewer, node="collective__node")).select_related(
        "collective__node"
    )
    return _under(qs, node).order_by("-month", "collective__node__path")


def asset_list(*, viewer, node=None, status: str = "") -> QuerySet[Asset]:
    qs = Asset.objects.filter(scope_q(viewer, node="collective__node")).select_related(
        "collective__node"
    )
    qs = _under(qs, node)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("collective__node__path", "code")


def asset_get(*, viewer, pk: int) -> Asset:
    return get_object_or_404(asset_list(viewer=viewer), pk=pk)


def contract_list(*, viewer, node=None) -> QuerySet[Contract]:
    qs = Contract.objects.filter(scope_q(viewer, node="collective__node")).select_related(
        "collective__node", "asset"
    )
    return _under(qs, node).order_by("ends_on", "pk")


def anomaly_list(*, viewer, node=None, kind: str = "", open_only: bool = False):
    qs = Anomaly.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "contract", "item"
    )
    qs = _under(qs, node, field="node")
    if kind:
        qs = qs.filter(kind=kind)
    if open_only:
        qs = qs.filter(item__closed_at__isnull=True)
    return qs.order_by("-found_on", "node__path", "pk")


def anomaly_get(*, viewer, pk: int) -> Anomaly:
    """An anomaly by its work item's id, if its village is in the viewer's scope; else 404."""
    return get_object_or_404(anomaly_list(viewer=viewer), item_id=pk)


AWAITING = "awaiting"  # the town's queue: proposed, awaiting its review


def _by_state(qs, state: str):
    if state == AWAITING:
        return qs.filter(item__state="proposed")
    return qs.filter(item__state=state) if state else qs


def reimbursement_list(*, viewer, node=None, state: str = "") -> QuerySet[Reimbursement]:
    """Reimbursements of the villages in scope: a village clerk sees its own village's, a town
    its villages'; ``state`` a loop state, or ``AWAITING`` for the town's queue."""
    qs = Reimbursement.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "collective", "item", "entry"
    )
    qs = _by_state(_under(qs, node, field="node"), state)
    return qs.order_by("-item__opened_at", "-pk")


def reimbursement_get(*, viewer, pk: int) -> Reimbursement:
    """A reimbursement by its work item's id, if its village is in scope; else 404."""
    return get_object_or_404(reimbursement_list(viewer=viewer), item_id=pk)


def asset_step_list(*, viewer, node=None, state: str = "", asset=None) -> QuerySet[AssetStep]:
    qs = AssetStep.objects.filter(scope_q(viewer, node="node")).select_related(
        "node", "asset", "item"
    )
    qs = _by_state(_under(qs, node, field="node"), state)
    if asset is not None:
        qs = qs.filter(asset=asset)
    return qs.order_by("-done_on", "-pk")


def asset_step_get(*, viewer, pk: int) -> AssetStep:
    return get_object_or_404(asset_step_list(viewer=viewer), item_id=pk)


# --- the public side: only what was published ---------------------------------------------


def public_collectives() -> QuerySet[Collective]:
    return Collective.objects.filter(node__is_active=True).select_related("node", "node__parent")


def public_collective(*, code: str) -> Collective:
    return get_object_or_404(public_collectives(), node__code=code)


def public_statements(collective: Collective, limit: int = 12) -> list[Statement]:
    return list(collective.statements.order_by("-month")[:limit])


def public_leases(collective: Collective, on) -> list[Contract]:
    """Assets on lease now, with their terms."""
    return list(
        collective.contracts.filter(starts_on__lte=on, ends_on__gte=on)
        .select_related("asset")
        .order_by("asset__code")
    )


def member_assets(collective: Collective, on) -> list[Asset]:
    """Every asset and resource of the collective with the contract in force on ``on`` (or
    None): what a verified member sees beyond the public page's leases."""
    assets = list(collective.assets.order_by("code"))
    current = {
        c.asset_id: c
        for c in collective.contracts.filter(starts_on__lte=on, ends_on__gte=on).order_by(
            "starts_on", "pk"
        )
    }
    for asset in assets:
        asset.current_contract = current.get(asset.pk)
    return assets


def public_payouts(collective: Collective, limit: int = 100) -> list[Payout]:
    return list(collective.payouts.order_by("-month", "kind", "pk")[:limit])


def public_reimbursements(collective: Collective, limit: int = 50) -> list[Reimbursement]:
    """Approved reimbursements only (the payee is masked by the page)."""
    return list(
        collective.reimbursements.filter(item__state="approved", approved_on__isnull=False)
        .select_related("node")
        .order_by("-approved_on", "-pk")[:limit]
    )
