"""Who may do what, and which rows they may see: the access checks every app applies.

Function permissions: the union of the codes of a person's active roles (``*`` grants all).
Data scope: the union of the scopes of those roles, composed as one ``Q`` object that every
selector applies, so a list, a detail, an export and the API cannot disagree.

They live in core, below the ledger and every app, because every app's pages use them; the
roles, accounts and the org tree they read are ``orgs``' models, reached through the viewer
(``viewer.roles``, ``viewer.org_node``). ``orgs.access`` re-exports them.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registry import ALL


class DataScope(models.TextChoices):
    """Which rows a role sees (``orgs.Role.data_scope``)."""

    ALL = "all", _("All data")
    LISTED = "listed", _("Listed nodes and below")
    OWN = "own", _("Own node only")
    OWN_AND_BELOW = "own_and_below", _("Own node and below")
    SUPERVISED = "supervised", _("Own node, the nodes it supervises, and below")
    SELF = "self", _("Own records only")


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
    return _superuser(viewer) or active_roles(viewer).filter(data_scope=DataScope.ALL).exists()


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
        return Q(**{f"{node}__in": tree.objects.filter(path__startswith=path).values("pk")})

    # the org tree is the model of the viewer's own node (orgs.OrgNode)
    tree = viewer._meta.get_field("org_node").related_model
    combined = NOTHING
    roles = active_roles(viewer).prefetch_related("listed_nodes")
    for role in roles:
        if role.data_scope == DataScope.ALL:
            return Q()
        if role.data_scope == DataScope.OWN:
            combined |= Q(**{node_id: viewer.org_node_id})
        elif role.data_scope == DataScope.OWN_AND_BELOW:
            combined |= subtree(viewer.org_node.path)
        elif role.data_scope == DataScope.SUPERVISED:
            combined |= subtree(viewer.org_node.path)
            for supervised in viewer.org_node.supervises.all():
                combined |= subtree(supervised.path)
        elif role.data_scope == DataScope.LISTED:
            for listed in role.listed_nodes.all():
                combined |= subtree(listed.path)
        elif role.data_scope == DataScope.SELF and owner:
            combined |= Q(**{owner: viewer.pk})
    return combined
