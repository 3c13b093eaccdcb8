from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("integrity:file:view", _("Open the integrity files of people in one's scope, with a reason")),
    ("integrity:file:edit", _("Enter and import records of integrity files")),
    ("integrity:file:own", _("See one's own integrity file and submit reports on it")),
]
PERMISSIONS += [
    ("integrity:opinion:draft", _("Request and draft integrity opinions")),
    ("integrity:opinion:review", _("Review integrity opinions")),
    ("integrity:opinion:sign", _("Sign integrity opinions")),
    ("integrity:rule:edit", _("Change the integrity opinion's rule table")),
]
PERMISSIONS += [
    (
        "integrity:file:approve",
        _("Approve seeing the sensitive parts (family, property) of integrity files"),
    ),
]
PERMISSIONS += [
    ("integrity:check", _("Draw and work random checks of personal-matter reports")),
]
