from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Integrity files")

MENU = [
    MenuEntry(
        SECTION, _("Integrity files"), "integrity:person_list", "integrity:file:view", 10, 16
    ),
    MenuEntry(SECTION, _("My integrity file"), "integrity:own_file", "integrity:file:own", 20, 16),
    MenuEntry(
        SECTION,
        _("Integrity opinions"),
        "integrity:request_list",
        "integrity:opinion:draft",
        30,
        16,
    ),
    MenuEntry(
        SECTION, _("Opinion rules"), "integrity:rule_list", "integrity:opinion:draft", 40, 16
    ),
    MenuEntry(
        SECTION, _("Random checks of reports"), "integrity:check_list", "integrity:check", 50, 16
    ),
]
