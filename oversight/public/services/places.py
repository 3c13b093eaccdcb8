"""Where a citizen's submission goes: the intake commission of a place, a place's QR point."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oversight.lib.crypto import random_token
from oversight.orgs.models import OrgNode

from .. import selectors
from ..models import (
    PublicPoint,
)


def intake_node_for(node: OrgNode | None) -> OrgNode:
    """The discipline commission that receives complaints about ``node``: walking up from
    ``node``, the first node that is a commission or has one among its children, else the first
    commission of the tree. The line of ancestors is read from the path."""
    line = [*node.ancestor_ids, node.pk] if node is not None else []
    depth = {pk: d for d, pk in enumerate(line)}
    commissions = selectors.active_commissions()

    def nearness(commission: tuple[int, int | None]) -> tuple[int, int]:
        pk, parent_id = commission
        if pk in depth:  # a commission on the line itself comes first at its level
            return depth[pk], 1
        return depth[parent_id], 0

    found = [c for c in commissions if c[0] in depth or c[1] in depth]
    chosen = max(found, key=nearness) if found else (commissions[0] if commissions else None)
    commission = selectors.active_node(chosen[0]) if chosen is not None else None
    if commission is None:
        raise ValidationError(_("No discipline commission is set up to receive complaints."))
    return commission


def point_for(node: OrgNode) -> PublicPoint:
    """The QR point of a window or unit, created with a random token the first time."""
    point = PublicPoint.objects.filter(org_node=node).first()
    if point is not None:
        return point
    for _attempt in range(5):
        token = random_token(50).replace("-", "").lower()
        try:
            with transaction.atomic():
                return PublicPoint.objects.create(org_node=node, token=token)
        except IntegrityError:
            existing = PublicPoint.objects.filter(org_node=node).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a unique point token")
