from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("ecology:system:view", _("See indicator systems and portraits of political ecology")),
    ("ecology:system:edit", _("Edit indicator systems of political ecology")),
    ("ecology:round:run", _("Run, compute and freeze political-ecology evaluation rounds")),
    ("ecology:rating:enter", _("Rate political-ecology indicators by hand, with reasons")),
]
