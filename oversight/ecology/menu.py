from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Political ecology")

MENU = [
    MenuEntry(
        SECTION, _("Indicator systems"), "ecology:system_list", "ecology:system:view", 10, 90
    ),
    MenuEntry(
        SECTION,
        _("Evaluation rounds and portraits"),
        "ecology:round_list",
        "ecology:system:view",
        20,
        90,
    ),
]
