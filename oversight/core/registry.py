"""Function permissions and navigation entries, declared by each app and collected here.

An app declares its permission codes in ``<app>/permissions.py`` as ``PERMISSIONS`` (a list of
``(code, label)``) and its navigation in ``<app>/menu.py`` as ``MENU`` (a list of ``MenuEntry``).
The same codes guard views (``core.access.require_perm``), hide buttons in templates
(``{% if "code" in perms_codes %}``) and filter the menu, so what a person sees is what they may do.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

from .discovery import declarations

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
    by_app: dict[str, list[str]] = {}
    labels = {}
    for config, (code, label) in declarations("permissions", "PERMISSIONS"):
        if code in PERMISSIONS:
            raise ValueError(f"permission {code} declared twice")
        PERMISSIONS[code] = label
        by_app.setdefault(config.label, []).append(code)
        labels[config.label] = config.verbose_name
    PERMISSION_MODULES.extend((labels[app], codes) for app, codes in by_app.items())
    # a menu entry's permission is checked by the system check core.E001 (core/checks.py)
    MENU.extend(entry for _config, entry in declarations("menu", "MENU"))
    MENU.sort(key=lambda entry: (entry.section_order, entry.order))


def permission_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Permissions grouped by app, for the role form."""
    return [
        (str(module), [(code, str(PERMISSIONS[code])) for code in codes])
        for module, codes in PERMISSION_MODULES
    ]
