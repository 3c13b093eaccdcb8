from django.utils.translation import gettext_lazy as _

from .kinds import Kind

NOTIFICATION_KINDS = [
    Kind(
        "notify.test",
        _("Test messages I send myself"),
        ("email", "sms", "wechat"),
        _("Sent by the button on this page, to check that each channel reaches you."),
    ),
]
