"""Function permissions and navigation entries, declared by each app and collected here.

An app declares its permission codes in ``<app>/permissions.py`` as ``PERMISSIONS`` (a list of
``(code, label)``) and its navigation in ``<app>/menu.py`` as ``MENU`` (a list of ``MenuEntry``).
The same codes guard views (``core.access.require_perm``), hide buttons in templates
(``{% if "code" in perms_codes %}``) and filter the menu, so what a person sees is what they may do.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.utils.functional import Promise

ALL = "*"

PERMISSIONS: dict[str, Promise | str] = {}
PERMISSION_MODULES: list[tuple[Promise | str, list[str]]] = []
MENU: list[MenuEntry] = []


@dataclass(frozen=True)
class MenuEntry:
    """One link of the left navigation, shown only to those holding ``perm``."""

    section: Promise | str
    label: Promise | str
    url_name: str
    perm: str | None
    order: int = 100
    section_order: int = 100


def autodiscover() -> None:
    """Collect PERMISSIONS and MENU from every installed oversight app, once."""
    if PERMISSIONS:
        return
    for config in apps.get_app_configs():
        if not config.name.startswith("oversight."):
            continue
        for module_name, collect in (
            ("permissions", _collect_permissions),
            ("menu", _collect_menu),
        ):
            try:
                module = import_module(f"{config.name}.{module_name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.{module_name}":
                    raise
                continue
            collect(config, module)
    MENU.sort(key=lambda entry: (entry.section_order, entry.order))


def _collect_permissions(config, module) -> None:
    codes = []
    for code, label in module.PERMISSIONS:
        if code in PERMISSIONS:
            raise ValueError(f"permission {code} declared twice")
        PERMISSIONS[code] = label
        codes.append(code)
    PERMISSION_MODULES.append((config.verbose_name, codes))


def _collect_menu(config, module) -> None:
    for entry in module.MENU:
        if entry.perm is not None and entry.perm not in PERMISSIONS:
            raise ValueError(
                f"menu entry {entry.url_name} needs undeclared permission {entry.perm}"
            )
        MENU.append(entry)


def permission_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Permissions grouped by app, for the role form."""
    return [
        (str(module), [(code, str(PERMISSIONS[code])) for code in codes])
        for module, codes in PERMISSION_MODULES
    ]
