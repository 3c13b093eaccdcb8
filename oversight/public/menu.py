from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Public supervision")

MENU = [
    MenuEntry(
        SECTION, _("Complaints"), "public_staff:complaint_list", "public:complaint:view", 10, 30
    ),
    MenuEntry(
        SECTION,
        _("Dissatisfaction ledger"),
        "public_staff:dissatisfaction_list",
        "public:complaint:view",
        20,
        30,
    ),
    MenuEntry(
        SECTION, _("Style reports"), "public_staff:style_report_list", "public:style:view", 30, 30
    ),
    MenuEntry(
        SECTION,
        _("Style-evaluation table"),
        "public_staff:style_table",
        "public:style:view",
        40,
        30,
    ),
    MenuEntry(
        SECTION, _("Small-power list"), "public_staff:power_list", "public:list:manage", 50, 30
    ),
    MenuEntry(SECTION, _("QR posters"), "public_staff:posters", "public:poster:print", 60, 30),
    MenuEntry(
        SECTION,
        _("Partner apps (Open311)"),
        "public_staff:partner_list",
        "public:partner:manage",
        70,
        30,
    ),
]
