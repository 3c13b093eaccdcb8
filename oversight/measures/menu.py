from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

MENU = [
    MenuEntry(
        _("System administration"), _("Measures"), "measures:catalogue",
        "measures:catalogue:view", 85, 900,
    ),
]  # fmt: skip
