from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

NOTIFICATION_KINDS = [
    Kind(
        "public.citizen_message",
        _("A citizen added information or answered on a complaint"),
        ("email",),
    ),
    Kind("public.style_report", _("A work-style problem was reported by a citizen"), ("email",)),
]
