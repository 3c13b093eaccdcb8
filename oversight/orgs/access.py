"""Who may do what, and which rows they may see: ``core.access``, where the checks live (below
the ledger and every app), re-exported here for the apps that read them as orgs' access."""

from oversight.core.access import (
    NOTHING,
    DataScope,
    has_perm,
    perm_codes,
    require_perm,
    scope_q,
    sees_everything,
)

__all__ = [
    "NOTHING",
    "DataScope",
    "has_perm",
    "perm_codes",
    "require_perm",
    "scope_q",
    "sees_everything",
]
