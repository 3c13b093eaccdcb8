from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "oversight.ledger"
    label = "ledger"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        # Apps declare which of their records the ledger can re-read in `<app>/ledger_targets.py`
        # (see oversight.ledger.targets); collect them once, like permissions and menus.
        from . import targets

        targets.autodiscover()
