from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectiveConfig(AppConfig):
    name = "oversight.collective"
    label = "collective"
    verbose_name = _("Rural collective funds, assets and resources")
