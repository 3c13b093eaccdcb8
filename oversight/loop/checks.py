"""System checks of the loop's kinds against the other registries: every transition's
permission is declared in some app's permissions.py."""

from __future__ import annotations

from django.core import checks

from oversight.core.registry import PERMISSIONS

from . import registry


@checks.register()
def transition_permissions_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """loop.E001: a transition guarded by a permission nobody declared (no role could hold
    it, so no one could ever perform the step)."""
    return [
        checks.Error(
            f"The transition {kind}:{transition.name} needs the undeclared permission "
            f"{transition.permission!r}.",
            hint="Declare it in the app's permissions.py, or fix the code in workflows.py.",
            obj=f"{kind}:{transition.name}",
            id="loop.E001",
        )
        for kind, workflow in sorted(registry.WORKFLOWS.items())
        for transition in workflow.transitions
        if transition.permission and transition.permission not in PERMISSIONS
    ]
