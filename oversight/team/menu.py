from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

SECTION = _("Supervisors' own work")

MENU = [
    MenuEntry(SECTION, _("Task board"), "team:task_list", "team:task:claim", 10, 18),
    MenuEntry(SECTION, _("Assessment chain"), "team:chain", "team:profile:view", 15, 18),
    MenuEntry(SECTION, _("Courses and tests"), "team:learning", "team:course:learn", 30, 18),
    MenuEntry(SECTION, _("Talent pool"), "team:profile_list", "team:profile:view", 20, 18),
]
