from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry
from oversight.orgs.menu import ORDER, SYSTEM

MENU = [
    MenuEntry(_("Workbench"), _("Notifications"), "notify:inbox", None, 40, 0),
    MenuEntry(_("Workbench"), _("Notification settings"), "notify:settings", None, 50, 0),
    MenuEntry(
        SYSTEM,
        _("Notification deliveries"),
        "notify:delivery_log",
        "notify:delivery:view",
        85,
        ORDER,
    ),
]
