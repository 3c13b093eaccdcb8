from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("inspections:round:view", _("See inspection rounds, findings and rectification")),
    ("inspections:round:edit", _("Register rounds, units, findings and rectification tasks")),
    ("inspections:task:verify", _("Verify, return and close rectification tasks and reports")),
    ("inspections:report:sign", _("Sign a unit's rectification report as its head")),
]
