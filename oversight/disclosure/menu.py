from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Affairs disclosure")

MENU = [
    MenuEntry(SECTION, _("Disclosure lapses"), "disclosure:lapse_list", "disclosure:view", 10, 16),
    MenuEntry(
        SECTION, _("Captured notices"), "disclosure:publication_list", "disclosure:view", 20, 16
    ),
    MenuEntry(
        SECTION, _("Disclosure catalogue"), "disclosure:catalogue", "disclosure:view", 30, 16
    ),
]
