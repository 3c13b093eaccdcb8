from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

MENU = [
    MenuEntry(_("Workbench"), _("Cockpit"), "cockpit:screen", "cockpit:screen:view", 5, 0),
]
