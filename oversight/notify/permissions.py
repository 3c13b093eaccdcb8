from django.utils.translation import gettext_lazy as _

# Reading one's own inbox and choosing one's channels need no permission beyond signing in.
PERMISSIONS = [
    ("notify:delivery:view", _("Read the log of notification deliveries")),
]
