from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry
from oversight.orgs.menu import ORDER, SYSTEM

MENU = [
    MenuEntry(_("Workbench"), _("Home"), "core:home", None, 0, 0),
    MenuEntry(SYSTEM, _("Dictionaries"), "core:dict_list", "core:dict:view", 50, ORDER),
]
