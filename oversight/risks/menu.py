from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Integrity risks")

MENU = [
    MenuEntry(SECTION, _("Risk reminders"), "risks:reminder_list", "risks:view", 10, 17),
    MenuEntry(SECTION, _("Risk map"), "risks:risk_map", "risks:view", 20, 17),
    MenuEntry(SECTION, _("Risk points"), "risks:point_list", "risks:view", 30, 17),
    MenuEntry(SECTION, _("Risk rules"), "risks:rule_list", "risks:catalogue:edit", 40, 17),
]
