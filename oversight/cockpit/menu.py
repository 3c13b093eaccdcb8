from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SYSTEM = _("System administration")

MENU = [
    MenuEntry(_("Workbench"), _("Cockpit"), "cockpit:screen", "cockpit:screen:view", 5, 0),
    MenuEntry(SYSTEM, _("Cockpit tiles"), "cockpit:tiles", "cockpit:tiles:edit", 86, 900),
    MenuEntry(SYSTEM, _("Maps"), "cockpit:map", "cockpit:map:upload", 87, 900),
]
