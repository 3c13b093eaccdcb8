from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Inspection rectification")

MENU = [
    MenuEntry(
        SECTION, _("Inspection rounds"), "inspections:round_list", "inspections:round:view", 10, 16
    ),
    MenuEntry(
        SECTION, _("Rectification tasks"), "inspections:task_list", "inspections:round:view", 20, 16
    ),
]
