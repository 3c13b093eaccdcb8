"""System checks of the measures against the other registries."""

from __future__ import annotations

from django.core import checks

from oversight.core.registry import PERMISSIONS

from . import registry


@checks.register()
def measure_permissions_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """measures.E001: a measure shown only to holders of a permission nobody declared (no one
    could ever see it)."""
    return [
        checks.Error(
            f"The measure {m.id} needs the undeclared permission {m.perm!r}.",
            hint="Declare it in the app's permissions.py, or fix the code in measures.py.",
            obj=m.id,
            id="measures.E001",
        )
        for m in registry.all_measures()
        if m.perm not in PERMISSIONS
    ]
