from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("cockpit:screen:view", _("Open the cockpit of one's scope")),
]
