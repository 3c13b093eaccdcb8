from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Official vehicles")

MENU = [
    MenuEntry(SECTION, _("Vehicles"), "fleet:vehicle_list", "fleet:vehicle:view", 10, 40),
    MenuEntry(SECTION, _("Vehicle warnings"), "fleet:warning_list", "fleet:vehicle:view", 20, 40),
    MenuEntry(SECTION, _("Holiday overview"), "fleet:holiday", "fleet:vehicle:view", 30, 40),
    MenuEntry(SECTION, _("Vehicle positions"), "fleet:batch_list", "fleet:position:import", 40, 40),
    MenuEntry(
        SECTION, _("Geofences and sealing"), "fleet:fence_list", "fleet:vehicle:view", 50, 40
    ),
]
