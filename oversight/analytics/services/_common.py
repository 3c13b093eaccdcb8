"""What every area of the analytics services shares: the permission check and the ledger leaf."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from oversight.ledger import services as ledger
from oversight.ledger.targets import snapshot
from oversight.orgs.access import has_perm


def require(actor, code: str) -> None:
    """Refuse with ``PermissionDenied`` unless ``actor`` holds the function ``code``."""
    if not has_perm(actor, code):
        raise PermissionDenied(code)


def record(actor, action: str, target, before=None, **details) -> None:
    """The ledger leaf of a change, in the caller's transaction."""
    ledger.record(
        actor=actor, action=action, target=target, before=before, after=snapshot(target),
        details=details or None,
    )  # fmt: skip
