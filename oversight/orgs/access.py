"""Who may do what, and which rows they may see: the checks every app applies live in
``core.access`` (below the ledger and every app) and are re-exported here; what only the org
tree's administration needs (the tops of a viewer's scope, who administers a node) is here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from oversight.core.access import (
    NOTHING,
    DataScope,
    active_roles,
    has_perm,
    perm_codes,
    require_perm,
    scope_q,
    sees_everything,
)

from .models import OrgNode

__all__ = [
    "NOTHING",
    "DataScope",
    "active_roles",
    "administers",
    "has_perm",
    "perm_codes",
    "require_administers",
    "require_perm",
    "scope_q",
    "scope_roots",
    "sees_everything",
]


def scope_roots(viewer) -> list[OrgNode]:
    """The nodes at the top of the viewer's data scope (their own node, the nodes it supervises,
    a role's listed nodes); empty for a viewer who sees everything or only their own records."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return []
    roots: dict[int, OrgNode] = {}
    for role in active_roles(viewer).prefetch_related("listed_nodes"):
        if role.data_scope in (DataScope.OWN, DataScope.OWN_AND_BELOW, DataScope.SUPERVISED):
            roots[viewer.org_node_id] = viewer.org_node
        if role.data_scope == DataScope.SUPERVISED:
            roots.update({n.pk: n for n in viewer.org_node.supervises.all()})
        if role.data_scope == DataScope.LISTED:
            roots.update({n.pk: n for n in role.listed_nodes.all()})
    return list(roots.values())


def administers(viewer, node: OrgNode) -> bool:
    """Whether ``viewer`` may change ``node`` itself (edit, move, disable): only a node strictly
    below the top of one of their scopes, unless a role of theirs sees all data. The top of a
    scope, and everything above it, belongs to whoever administers the scope from above."""
    if sees_everything(viewer):
        return True
    return any(
        node.path.startswith(root.path) and node.pk != root.pk for root in scope_roots(viewer)
    )


def require_administers(viewer, node: OrgNode) -> None:
    """Raise ``PermissionDenied`` unless ``viewer`` administers ``node`` (None: the platform)."""
    if viewer is not None and not administers(viewer, node):
        raise PermissionDenied("orgs:node:scope-top")
