from django.utils.translation import gettext_lazy as _

from oversight.core.registry import MenuEntry

LEDGER = _("Ledger")
ORDER = 800

MENU = [
    MenuEntry(LEDGER, _("Trace of records"), "ledger:trace", "ledger:audit:view", 10, ORDER),
    MenuEntry(LEDGER, _("Ledger state"), "ledger:state", "ledger:audit:view", 20, ORDER),
]
