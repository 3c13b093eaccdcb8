from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "oversight.schedules"
    label = "schedules"
    verbose_name = _("Schedules")

    def ready(self) -> None:
        from . import checks, registry  # noqa: F401  (checks register themselves)

        registry.autodiscover()
