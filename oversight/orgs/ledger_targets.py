"""The org tree, accounts and roles as traced rows: the check compares each with the state its
latest leaf recorded (a role given "all data", an account given a role, a node moved)."""

from oversight.ledger.targets import traced

from .models import Account, OrgNode, Role

TARGETS = [
    # ``updated_at`` follows every save; the rest of a node is its place, name, type and what
    # it supervises.
    traced(OrgNode, exclude=("updated_at",), many=("supervises",)),
    # Never the password hash (kept out of the ledger) nor what signing in keeps up to date.
    traced(
        Account,
        exclude=("password", "last_login", "failed_logins", "locked_until", "updated_at"),
        many=("roles", "groups", "user_permissions"),
    ),
    traced(Role, exclude=("updated_at",), many=("listed_nodes",)),
]
