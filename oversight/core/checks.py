"""System checks across the registries of the core: every menu entry names a declared
permission. (The loop checks its transitions' permissions, notify the kinds used.)"""

from __future__ import annotations

from django.core import checks

from . import registry


@checks.register()
def menu_permissions_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """core.E001: a menu entry shown to holders of a permission nobody declared."""
    return [
        checks.Error(
            f"The menu entry {entry.url_name!r} needs the undeclared permission {entry.perm!r}.",
            hint="Declare it in the app's permissions.py, or fix the code in menu.py.",
            obj=entry.url_name,
            id="core.E001",
        )
        for entry in registry.MENU
        if entry.perm is not None and entry.perm not in registry.PERMISSIONS
    ]
