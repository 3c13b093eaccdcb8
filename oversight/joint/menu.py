from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

MENU = [
    MenuEntry(
        _("Joint supervision"),
        _("Joint supervision plans"),
        "joint:plan_list",
        "joint:plan:view",
        10,
        17,
    ),
]
