from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("matters:matter:view", _("See major matters and the leader's overview")),
    ("matters:matter:register", _("Register major matters and decompose them into tasks")),
    ("matters:matter:close", _("Close major matters")),
]
