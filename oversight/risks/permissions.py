from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("risks:view", _("See integrity risk points, reminders and the risk map in one's scope")),
    ("risks:catalogue:edit", _("Keep the catalogue of integrity risk points and the risk rules")),
    ("risks:reminder:answer", _("Acknowledge risk reminders and review a unit's risk points")),
    ("risks:reminder:confirm", _("Confirm risk reminders and record reminder talks")),
]
