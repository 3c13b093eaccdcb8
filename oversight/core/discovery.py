"""Finding what every app declares in a module of a known name.

Registries (permissions in ``<app>/permissions.py``, menus in ``menu.py``, loop kinds in
``workflows.py``, notification kinds in ``notifications.py``, ledger targets in
``ledger_targets.py``, measures in ``measures.py`` …) all start the same way: import that module
of each installed ``oversight`` app, in ``INSTALLED_APPS`` order, skipping apps without one.
This is the one place that does it; a registry only says what to do with what it finds.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps

PACKAGE = "oversight."


def declaring_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each installed oversight app that has a module ``name``, with that module imported.

    An app without the module is skipped; an import error raised *inside* an existing module
    (a typo, a missing dependency) propagates, so a broken declaration never goes unnoticed."""
    for config in apps.get_app_configs():
        if not config.name.startswith(PACKAGE):
            continue
        dotted = f"{config.name}.{name}"
        try:
            module = import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
            continue
        yield config, module


def declarations(name: str, attribute: str) -> Iterator[tuple[AppConfig, object]]:
    """Each item of the list ``attribute`` (``PERMISSIONS``, ``MENU``, ``NOTIFICATION_KINDS``,
    ``MEASURES`` …) of every app's module ``name``, with the app that declared it. A module
    without the attribute is an error: it names the module."""
    for config, module in declaring_modules(name):
        try:
            items = getattr(module, attribute)
        except AttributeError:
            raise ImportError(f"{module.__name__} declares no {attribute}") from None
        for item in items:
            yield config, item
