from django.utils.translation import gettext_lazy as _

from .kinds import Kind

NOTIFICATION_KINDS = [
    Kind(
        "notify.test",
        _("Test messages I send myself"),
        ("email", "sms", "wechat"),
        _("Sent by the button on this page, to check that each channel reaches you."),
    ),
    Kind(
        "ledger.alarm",
        _("Ledger alarms: the log contradicts itself and signing has stopped"),
        ("email", "sms", "wechat"),
        _(
            "Sent to the administrators and the commission's leaders; the banner stays until "
            "someone allowed resolves the alarm."
        ),
    ),
]
