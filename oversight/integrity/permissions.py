from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("integrity:file:view", _("Open the integrity files of people in one's scope, with a reason")),
    ("integrity:file:edit", _("Enter and import records of integrity files")),
    ("integrity:file:own", _("See one's own integrity file and submit reports on it")),
]
