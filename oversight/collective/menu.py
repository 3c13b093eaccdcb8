from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Collective funds and assets")

MENU = [
    MenuEntry(
        SECTION, _("Collective anomalies"), "collective:anomaly_list", "collective:view", 10, 17
    ),
    MenuEntry(
        SECTION, _("Collective accounts"), "collective:entry_list", "collective:view", 20, 17
    ),
    MenuEntry(
        SECTION, _("Assets and contracts"), "collective:asset_list", "collective:view", 30, 17
    ),
    MenuEntry(
        SECTION, _("Reimbursements"), "collective:reimbursement_list", "collective:view", 40, 17
    ),
]
