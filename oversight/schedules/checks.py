"""System checks of the recurring obligations against the loop's kinds."""

from __future__ import annotations

from django.core import checks

from oversight.loop.registry import WORKFLOWS

from . import registry


@checks.register()
def schedule_kinds_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """schedules.E001: an obligation opening work items of a kind nobody declared."""
    return [
        checks.Error(
            f"The schedule {r.id} opens work items of the undeclared kind {r.kind!r}.",
            hint="Declare the kind in the app's workflows.py, or fix the code in schedules.py.",
            obj=r.id,
            id="schedules.E001",
        )
        for r in registry.all_schedules()
        if r.kind not in WORKFLOWS
    ]
