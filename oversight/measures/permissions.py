from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("measures:catalogue:view", _("See the catalogue of measures with their definitions")),
]
