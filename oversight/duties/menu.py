from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Duty lists and assessment")

MENU = [
    MenuEntry(SECTION, _("Duty lists"), "duties:list_list", "duties:list:view", 10, 15),
    MenuEntry(SECTION, _("My unit's duties"), "duties:unit_list_list", "duties:list:view", 20, 15),
    MenuEntry(SECTION, _("Live ranking"), "duties:ranking", "duties:list:view", 30, 15),
]
