from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("team:profile:view", _("See officers' profiles and the talent pool")),
    ("team:profile:edit", _("Edit officers' profiles and specialty tags")),
    ("team:task:claim", _("Claim tasks on the task board and report on them")),
    ("team:task:publish", _("Publish tasks, choose applicants and assign by tag")),
    ("team:task:verify", _("Verify task reports and award their points")),
    ("team:target:set", _("Set officers' targets on the assessment chain")),
    ("team:chain:freeze", _("Freeze a year of the assessment chain (the year-end result)")),
    ("team:course:learn", _("Take micro-courses and online tests")),
    ("team:course:edit", _("Edit courses, the question bank and tests")),
]
