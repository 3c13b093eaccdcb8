from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("core:dict:view", _("View dictionaries")),
    ("core:dict:edit", _("Add and change dictionaries")),
]
