from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "oversight.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Apps declare their kinds of notification in `<app>/notifications.py`; collect them
        # once, like permissions and menus.
        from . import checks, kinds  # noqa: F401  (checks register themselves)

        kinds.autodiscover()
        # A ledger alarm reaches the administrators and the commission's leaders.
        from oversight.ledger.services import alarm_raised

        from .ledger_alarm import tell

        alarm_raised.connect(tell, dispatch_uid="notify.ledger_alarm")
