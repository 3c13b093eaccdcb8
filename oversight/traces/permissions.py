from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("traces:graph:view", _("See the trace graph of people in one's scope and its flagged paths")),
    ("traces:finding:handle", _("Take up flagged paths for checking and confirm or dismiss them")),
    ("traces:finding:explain", _("Explain a flagged path about one's unit")),
]
