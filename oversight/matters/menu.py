from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Major-matter supervision")

MENU = [
    MenuEntry(SECTION, _("Leader's overview"), "matters:overview", "matters:matter:view", 10, 10),
    MenuEntry(SECTION, _("Major matters"), "matters:matter_list", "matters:matter:view", 20, 10),
]
