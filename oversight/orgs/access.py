"""Who may do what, and which rows they may see.

Function permissions: the union of the codes of a person's active roles (``*`` grants all).
Data scope: the union of the scopes of those roles, composed as one ``Q`` object that every
selector applies, so a list, a detail, an export and the API cannot disagree.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from oversight.core.registry import ALL

from .models import OrgNode, Role

NOTHING = Q(pk__in=[])


def active_roles(account):
    """The account's active roles; only the token's role when the request came with an API
    token narrowed to one role (``orgs.auth.TokenAuthentication`` marks the account)."""
    roles = account.roles.filter(is_active=True)
    narrowed = getattr(account, "token_role_id", None)
    return roles.filter(pk=narrowed) if narrowed else roles


def _superuser(account) -> bool:
    return account.is_superuser and not getattr(account, "token_role_id", None)


def perm_codes(account) -> frozenset[str]:
    """Codes granted to ``account`` by its active roles; cached on the instance for one request."""
    if account is None or not account.is_authenticated or not account.is_active:
        return frozenset()
    cached = getattr(account, "_perm_codes", None)
    if cached is not None:
        return cached
    codes: set[str] = set()
    for permissions in active_roles(account).values_list("permissions", flat=True):
        codes.update(permissions or [])
    if _superuser(account):
        codes.add(ALL)
    account._perm_codes = frozenset(codes)
    return account._perm_codes


def has_perm(account, code: str) -> bool:
    """Whether ``account`` may use the function ``code``."""
    codes = perm_codes(account)
    return ALL in codes or code in codes


def require_perm(code: str):
    """View decorator: anonymous people go to the login page, others without ``code`` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, code):
                raise PermissionDenied(code)
            return view(request, *args, **kwargs)

        wrapper.required_perm = code
        return wrapper

    return decorator


def sees_everything(viewer) -> bool:
    """Whether one of the viewer's active roles has the "all data" scope (or they are a superuser).

    ``scope_q`` answers such a viewer with an empty ``Q``; code that ORs several scope filters
    together must test this first, because an empty ``Q`` vanishes from an OR.
    """
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return False
    return _superuser(viewer) or active_roles(viewer).filter(data_scope=Role.Scope.ALL).exists()


def scope_q(viewer, *, node: str, owner: str | None = None) -> Q:
    """The rows ``viewer`` may see, as a filter on a model related to the org tree.

    ``node`` is the lookup from the model to its ``OrgNode`` (``"org_node"``, ``"responsible_node"``,
    or ``""`` when the model is ``OrgNode`` itself); ``owner`` is the lookup to the ``Account``
    that owns a row, used by the "own records only" scope. Roles combine by union; a person
    without roles sees nothing.
    """
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return NOTHING
    if _superuser(viewer):
        return Q()
    node_id = f"{node}_id" if node else "pk"

    def subtree(path: str) -> Q:
        # On a related model, "the node is in this subtree" is written as an id subquery on the
        # org tree rather than a join on its path, so every term of the scope's OR can use an
        # index of its own (SQLite and PostgreSQL both turn such an OR into index lookups).
        if not node:
            return Q(path__startswith=path)
        return Q(**{f"{node}__in": OrgNode.objects.filter(path__startswith=path).values("pk")})

    combined = NOTHING
    roles = active_roles(viewer).prefetch_related("listed_nodes")
    for role in roles:
        if role.data_scope == Role.Scope.ALL:
            return Q()
        if role.data_scope == Role.Scope.OWN:
            combined |= Q(**{node_id: viewer.org_node_id})
        elif role.data_scope == Role.Scope.OWN_AND_BELOW:
            combined |= subtree(viewer.org_node.path)
        elif role.data_scope == Role.Scope.SUPERVISED:
            combined |= subtree(viewer.org_node.path)
            for supervised in viewer.org_node.supervises.all():
                combined |= subtree(supervised.path)
        elif role.data_scope == Role.Scope.LISTED:
            for listed in role.listed_nodes.all():
                combined |= subtree(listed.path)
        elif role.data_scope == Role.Scope.SELF and owner:
            combined |= Q(**{owner: viewer.pk})
    return combined


def scope_roots(viewer) -> list[OrgNode]:
    """The nodes at the top of the viewer's data scope (their own node, the nodes it supervises,
    a role's listed nodes); empty for a viewer who sees everything or only their own records."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return []
    roots: dict[int, OrgNode] = {}
    for role in active_roles(viewer).prefetch_related("listed_nodes"):
        if role.data_scope in (Role.Scope.OWN, Role.Scope.OWN_AND_BELOW, Role.Scope.SUPERVISED):
            roots[viewer.org_node_id] = viewer.org_node
        if role.data_scope == Role.Scope.SUPERVISED:
            roots.update({n.pk: n for n in viewer.org_node.supervises.all()})
        if role.data_scope == Role.Scope.LISTED:
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
