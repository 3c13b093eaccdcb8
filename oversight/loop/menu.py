from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

WORK = _("Workbench")
SYSTEM = _("System administration")

MENU = [
    MenuEntry(WORK, _("My work"), "loop:my_work", None, 10, 0),
    MenuEntry(WORK, _("All work items"), "loop:item_list", "loop:item:view", 20, 0),
    MenuEntry(WORK, _("Statistics"), "loop:statistics", "loop:item:view", 30, 0),
    MenuEntry(SYSTEM, _("Calendar and lights"), "loop:calendar", "loop:calendar:edit", 80, 900),
]
