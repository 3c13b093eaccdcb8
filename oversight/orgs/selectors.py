"""Every read of org data that a person's scope limits.

Lists, details and exports all start from these querysets; a detail outside the viewer's scope
raises ``Http404``, so its existence is not revealed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .access import scope_q
from .models import Account, ApiToken, LoginLog, OperationLog, OrgNode, Person, Position, Role


def node_list(*, viewer, search: str = "", include_inactive: bool = True) -> QuerySet[OrgNode]:
    """Org nodes in the viewer's scope, in tree order."""
    qs = OrgNode.objects.filter(scope_q(viewer, node="")).order_by("path")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return qs


def node_get(*, viewer, pk: int) -> OrgNode:
    """One org node in scope, or 404."""
    return get_object_or_404(node_list(viewer=viewer), pk=pk)


def node_children(*, viewer, node: OrgNode) -> QuerySet[OrgNode]:
    """The in-scope children of ``node``, for browsing the tree one level at a time."""
    return node_list(viewer=viewer).filter(parent=node).order_by("sort", "name")


def node_roots(*, viewer) -> QuerySet[OrgNode]:
    """The highest nodes the viewer may see: those whose parent is out of scope or absent."""
    visible = node_list(viewer=viewer)
    return visible.exclude(parent__in=visible.values("pk")).order_by("path")


def person_list(
    *, viewer, search: str = "", node: OrgNode | None = None, active: bool | None = None
) -> QuerySet[Person]:
    """People in the viewer's scope, optionally within the subtree of ``node``."""
    qs = Person.objects.filter(scope_q(viewer, node="org_node", owner="account")).select_related(
        "org_node"
    )
    if node is not None:
        qs = qs.filter(org_node__path__startswith=node.path)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(resident_id__startswith=search))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def person_get(*, viewer, pk: int) -> Person:
    """One person in scope, or 404."""
    return get_object_or_404(person_list(viewer=viewer), pk=pk)


def position_list(*, viewer, person: Person) -> QuerySet[Position]:
    """The posts of a person already fetched through ``person_get``."""
    return person.positions.select_related("org_node").order_by("-start_date")


def account_list(*, viewer, search: str = "") -> QuerySet[Account]:
    """Accounts in the viewer's scope."""
    qs = (
        Account.objects.filter(scope_q(viewer, node="org_node", owner="pk"))
        .select_related("org_node", "person")
        .prefetch_related("roles")
    )
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    return qs


def account_get(*, viewer, pk: int) -> Account:
    """One account in scope, or 404."""
    return get_object_or_404(account_list(viewer=viewer), pk=pk)


def role_list(*, viewer) -> QuerySet[Role]:
    """Roles are not org data; holding ``orgs:role:view`` shows them all."""
    return Role.objects.prefetch_related("listed_nodes").order_by("sort", "id")


def role_get(*, viewer, pk: int) -> Role:
    """One role, or 404."""
    return get_object_or_404(role_list(viewer=viewer), pk=pk)


def operation_log_list(*, viewer, search: str = "") -> QuerySet[OperationLog]:
    """Operation log entries made by accounts of nodes in the viewer's scope."""
    qs = OperationLog.objects.filter(scope_q(viewer, node="actor_node", owner="actor"))
    if search:
        qs = qs.filter(
            Q(actor_name__icontains=search) | Q(action__icontains=search) | Q(url__icontains=search)
        )
    return qs


def login_log_list(*, viewer, search: str = "") -> QuerySet[LoginLog]:
    """Login attempts on accounts in the viewer's scope.

    Attempts on unknown usernames belong to no node; only viewers with the "all" scope see them.
    """
    qs = LoginLog.objects.filter(scope_q(viewer, node="account__org_node", owner="account"))
    if search:
        qs = qs.filter(username__icontains=search)
    return qs


def token_list(*, viewer) -> QuerySet[ApiToken]:
    """API tokens of the accounts in the viewer's scope, newest first."""
    return ApiToken.objects.filter(
        account__in=account_list(viewer=viewer).values("pk")
    ).select_related("account", "role", "created_by", "revoked_by")


def token_get(*, viewer, pk: int) -> ApiToken:
    """One API token of an account in scope, or 404."""
    return get_object_or_404(token_list(viewer=viewer), pk=pk)
