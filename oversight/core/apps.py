from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "oversight.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.urls import register_converter

        from oversight.core.converters import IdConverter

        register_converter(IdConverter, "id")
        # Importing the registries' declarations from every app: permissions and menu entries
        # are plain module-level declarations, collected once here.
        from oversight.core import checks, registry  # noqa: F401  (checks register themselves)

        registry.autodiscover()
