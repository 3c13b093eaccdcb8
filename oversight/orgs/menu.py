from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oversight.core.registry import MenuEntry

SYSTEM = _("System administration")
ORDER = 900

MENU = [
    MenuEntry(SYSTEM, _("Org tree"), "orgs:node_tree", "orgs:node:view", 10, ORDER),
    MenuEntry(
        SYSTEM, pgettext_lazy("menu", "People"), "orgs:person_list", "orgs:person:view", 20, ORDER
    ),
    MenuEntry(SYSTEM, _("Accounts"), "orgs:account_list", "orgs:account:view", 30, ORDER),
    MenuEntry(SYSTEM, _("Roles"), "orgs:role_list", "orgs:role:view", 40, ORDER),
    MenuEntry(SYSTEM, _("Dictionaries"), "dicts:dict_list", "core:dict:view", 50, ORDER),
    MenuEntry(SYSTEM, _("API tokens"), "orgs:token_list", "orgs:token:view", 50, ORDER),
    MenuEntry(SYSTEM, _("Operation log"), "orgs:operation_log", "orgs:log:view", 60, ORDER),
    MenuEntry(SYSTEM, _("Login log"), "orgs:login_log", "orgs:log:view", 70, ORDER),
]
