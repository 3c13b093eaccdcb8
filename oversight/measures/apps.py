from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "oversight.measures"
    label = "measures"
    verbose_name = _("Measures")

    def ready(self) -> None:
        from . import checks, registry  # noqa: F401  (checks register themselves)

        registry.autodiscover()
