from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Trace graph")

MENU = [
    MenuEntry(SECTION, _("Trace graph"), "traces:person_list", "traces:graph:view", 10, 16),
]
