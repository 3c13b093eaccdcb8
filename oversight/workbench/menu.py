from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry
from oversight.loop.menu import WORK

MENU = [MenuEntry(WORK, _("Home"), "workbench:home", None, 0, 0)]
