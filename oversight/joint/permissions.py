from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("joint:plan:view", _("See the joint supervision plans one's department takes part in")),
    ("joint:plan:edit", _("Set up joint supervision plans")),
    ("joint:finding:record", _("Record findings and hand them over in a joint plan")),
]
