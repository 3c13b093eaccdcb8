from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

NOTIFICATION_KINDS = [
    Kind("loop.assigned", _("Work assigned to me or my unit"), ("email",)),
    Kind("loop.awaiting", _("Work waiting for my verification or decision"), ("email",)),
    Kind("loop.reminder", _("A deadline is near"), ("sms", "wechat")),
    Kind("loop.escalation", _("Work is overdue (escalation)"), ("sms", "wechat", "email")),
    Kind("loop.instruction", _("A leader's instruction on work I handle"), ("sms", "wechat")),
]
