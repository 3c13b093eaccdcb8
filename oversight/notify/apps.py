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
