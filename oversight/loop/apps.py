from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoopConfig(AppConfig):
    name = "oversight.loop"
    label = "loop"
    verbose_name = _("Closed loop")

    def ready(self) -> None:
        from . import checks, registry  # noqa: F401  (checks register themselves)

        registry.autodiscover()
