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
    MenuEntry(
        SECTION, _("Disclosure sources"), "disclosure:source_list", "disclosure:view", 40, 16
    ),
    MenuEntry(
        SECTION,
        _("Notices waiting to be classified"),
        "disclosure:unclassified_list",
        "disclosure:view",
        50,
        16,
    ),
    MenuEntry(
        SECTION, _("Upload notices"), "disclosure:source_upload", "disclosure:source:upload", 60, 16
    ),
]
