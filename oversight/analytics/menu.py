from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Comparison models")

MENU = [
    MenuEntry(SECTION, _("Warnings"), "analytics:warning_list", "analytics:warning:view", 10, 60),
    MenuEntry(
        SECTION, _("Units of warnings"), "analytics:unit_rules", "analytics:unit:assign", 15, 60
    ),
    MenuEntry(SECTION, _("Model library"), "analytics:model_list", "analytics:model:view", 20, 60),
    MenuEntry(SECTION, _("Model runs"), "analytics:run_list", "analytics:run:start", 30, 60),
    MenuEntry(SECTION, _("Data sources"), "analytics:source_list", "analytics:source:edit", 40, 60),
]
