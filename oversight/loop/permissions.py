from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("loop:item:view", _("See work items and their statistics")),
    ("loop:item:handle", _("Handle work items: report progress, submit feedback with evidence")),
    ("loop:item:supervise", _("Supervise work items: verify, return, close")),
    ("loop:item:instruct", _("Give instructions on work items (leaders)")),
    ("loop:item:extend", _("Decide on deadline extensions")),
    ("loop:item:export", _("Export work items, statistics and electronic files")),
    ("loop:calendar:edit", _("Correct the working-day calendar and the light settings")),
]
