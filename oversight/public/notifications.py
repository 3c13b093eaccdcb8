from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

NOTIFICATION_KINDS = [
    Kind(
        "public.citizen_message",
        _("A citizen added information or answered on a complaint"),
        ("email",),
    ),
    Kind(
        "public.received",
        _("New complaints wait for acceptance (a digest every few minutes)"),
        ("email", "wechat"),
    ),
    Kind("public.style_report", _("A work-style problem was reported by a citizen"), ("email",)),
]
