"""Every read of the ledger: the scoped trace for supervisors, and the public reads.

The trace shows an entry only when the viewer's data scope covers the org node of the account
that acted (or the account itself, for "own records only"); entries made by the system itself
have no node and are seen by viewers whose scope is all data. The public reads (leaves, proofs,
fixed records) need no account: they are what the log publishes.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from oversight.core.access import has_perm, scope_q
from oversight.lib.canonical import canonical_json, digest

from . import leaves, store, witnessing
from .models import Checkpoint, Leaf, LogHead, VerificationRun, WitnessedLog, WitnessRefusal
from .targets import kind_of
from .tlog import consistency_proof, inclusion_proof

LIST_DEFERRED = ("data", "private", "fixed_content")


def leaf_list(
    *,
    viewer,
    actor: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Leaf]:
    """Ledger entries in the viewer's scope, newest first, filtered as asked.

    ``actor`` matches a username or display name in part; ``action`` matches from its start
    ("matters." gives every action of that module); target type and id match exactly. The
    entries of one record the viewer may see (type and id given) are all listed, whoever made
    them.
    """
    every_entry = bool(target_type and target_id) and record_visible(
        viewer=viewer, record_type=target_type, record_id=target_id
    )
    qs = (
        Leaf.objects.filter(
            Q() if every_entry else scope_q(viewer, node="actor_node", owner="actor")
        )
        .select_related("actor", "actor_node")
        .defer(*LIST_DEFERRED)
        .order_by("-index")
    )
    if actor:
        qs = qs.filter(
            Q(actor__username__icontains=actor) | Q(actor__display_name__icontains=actor)
        )
    if action:
        qs = qs.filter(action__startswith=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs


def leaf_get(*, viewer, index: int) -> Leaf:
    """One entry in the viewer's scope (or about a record the viewer may see), or 404."""
    leaf = Leaf.objects.filter(index=index).select_related("actor", "actor_node").first()
    if leaf is None or not (
        Leaf.objects.filter(scope_q(viewer, node="actor_node", owner="actor"), index=index).exists()
        or record_visible(viewer=viewer, record_type=leaf.target_type, record_id=leaf.target_id)
    ):
        raise Http404
    return leaf


def record_visible(*, viewer, record_type: str, record_id: Any) -> bool:
    """Whether the record's own module lets ``viewer`` see it (its kind's ``visible``)."""
    kind = kind_of(record_type)
    if kind is None or kind.visible is None or viewer is None or not viewer.is_authenticated:
        return False
    return str(record_id) in kind.visible(viewer, [str(record_id)])


def protected_values(leaf: Leaf) -> dict[str, Any]:
    """The details a leaf keeps out of its public bytes, in clear (for a viewer allowed to see
    the leaf): every detail of a format 2 leaf, the protected ones of a format 1 leaf."""
    if leaves.version_of(leaf.data) != 1:
        return leaves.loads(leaf.details)
    if not leaf.private:
        return {}
    return {key: item["value"] for key, item in json.loads(leaf.private).items()}


def opening_text(leaf: Leaf) -> str:
    """The opening of a format 2 leaf's commitment as canonical JSON (its SHA-256 is the
    leaf's ``commitment``), for staff who must prove what the leaf recorded; "" for format 1."""
    if leaves.version_of(leaf.data) == 1:
        return ""
    return canonical_json(leaves.row_opening(leaf.__dict__)).decode("utf-8")


# --- public reads ---------------------------------------------------------------------------


def log_size() -> int:
    """The number of committed leaves."""
    return LogHead.objects.filter(id=LogHead.ONE).values_list("size", flat=True).first() or 0


def public_leaf(index: int) -> Leaf | None:
    """A leaf by index, within the committed log."""
    if index >= log_size():
        return None
    return Leaf.objects.filter(index=index).first()


def latest_checkpoint() -> Checkpoint | None:
    """The largest checkpoint signed so far (never signs one)."""
    return Checkpoint.objects.order_by("-size").first()


def inclusion(index: int, size: int) -> list[bytes]:
    """The inclusion proof of leaf ``index`` in the tree of ``size`` leaves (index < size)."""
    return store.run(inclusion_proof, index, size)


def consistency(first: int, second: int) -> list[bytes]:
    """The consistency proof from ``first`` leaves to ``second`` (0 < first <= second)."""
    return store.run(consistency_proof, first, second)


def fixed_leaf(index: int, *, viewer=None) -> Leaf | None:
    """A fixed record's leaf: any viewer for a public record; for the others, whoever may see
    the record (its kind's ``visible``), or a holder of ``ledger:audit:view`` whose scope
    covers the account that fixed it."""
    leaf = Leaf.objects.filter(index=index, fixed_content__isnull=False).first()
    if leaf is None or leaf.content_public:
        return leaf
    if viewer is None or not viewer.is_authenticated:
        return None
    if record_visible(viewer=viewer, record_type=leaf.target_type, record_id=leaf.target_id):
        return leaf
    if (
        has_perm(viewer, "ledger:audit:view")
        and (
            Leaf.objects.filter(scope_q(viewer, node="actor_node", owner="actor"), index=index)
        ).exists()
    ):
        return leaf
    return None


@dataclass(frozen=True)
class Badge:
    """What a record's page shows about its place in the ledger."""

    index: int
    at: datetime.datetime
    content_digest: str
    receipt_url: str
    record_url: str
    public: bool
    intact: bool | None  # None when the record's kind cannot re-read it


def latest_fix(*, record_type: str, record_id: Any) -> Leaf | None:
    """The last leaf that fixed this record, if any."""
    return (
        Leaf.objects.filter(
            target_type=record_type, target_id=str(record_id), fixed_content__isnull=False
        )
        .order_by("-index")
        .first()
    )


def latest_fix_indexes(*, record_type: str, record_ids) -> dict[str, int]:
    """{record id: index of its last fixing leaf} for many records of one type, in one query
    (a list page linking each record's receipt)."""
    ids = [str(i) for i in record_ids]
    if not ids:
        return {}
    return dict(
        Leaf.objects.filter(target_type=record_type, target_id__in=ids, fixed_content__isnull=False)
        .values("target_id")
        .annotate(last=Max("index"))
        .values_list("target_id", "last")
    )


def fixed_badge(*, record_type: str, record_id: Any) -> Badge | None:
    """The badge of a fixed record ("verified in the ledger at index I"), or None if the record
    was never fixed. ``intact`` says whether the record still has the content that was fixed."""
    leaf = latest_fix(record_type=record_type, record_id=record_id)
    if leaf is None:
        return None
    intact = None
    kind = kind_of(record_type)
    if kind is not None and kind.snapshot is not None:
        fixed = json.loads(leaf.fixed_content)
        current = kind.current(str(record_id), fixed if isinstance(fixed, dict) else None)
        intact = current is not None and digest(current) == leaf.content_digest
    return badge_of(leaf, intact=intact)


def badge_of(leaf: Leaf, *, intact: bool | None = None) -> Badge:
    return Badge(
        index=leaf.index,
        at=leaf.at,
        content_digest=leaf.content_digest,
        receipt_url=reverse("ledger:receipt", args=[leaf.index]),
        record_url=reverse("ledger:record", args=[leaf.index]),
        public=leaf.content_public,
        intact=intact,
    )


# --- state ----------------------------------------------------------------------------------


def ledger_state() -> dict[str, Any]:
    """Size, last checkpoint and last full verification, for the state page."""
    return {
        "size": log_size(),
        "checkpoint": Checkpoint.objects.order_by("-size").first(),
        "checkpoint_count": Checkpoint.objects.count(),
        "verification": VerificationRun.objects.order_by("-started_at", "-id").first(),
        "witnesses": witnessing.state(),
        "witness_alarm": witnessing.refusing(),
        "witnessed_logs": list(WitnessedLog.objects.all()[:50]),
        "witness_refusals": list(WitnessRefusal.objects.all()[:20]),
    }
