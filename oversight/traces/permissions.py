from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("traces:graph:view", _("See the trace graph of people in one's scope and its flagged paths")),
]
