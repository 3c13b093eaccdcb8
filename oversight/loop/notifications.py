from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

from .selectors import visible_item_ids

NOTIFICATION_KINDS = [
    Kind("loop.assigned", _("Work assigned to me or my unit"), ("email",)),
    Kind(
        "loop.awaiting",
        _("Work waiting for my verification or decision"),
        ("email",),
        copy_rule=_(
            "Rule: you are told of a step waiting for your node only when your role takes it "
            "(a leader is not told of each verification the supervisors make; overdue work "
            "reaches leaders as escalations). Tick the inbox to receive copies of the other "
            "steps too."
        ),
    ),
    Kind("loop.reminder", _("A deadline is near"), ("sms", "wechat")),
    Kind("loop.escalation", _("Work is overdue (escalation)"), ("sms", "wechat", "email")),
    Kind("loop.instruction", _("A leader's instruction on work I handle"), ("sms", "wechat")),
]

NOTIFICATION_AUDIENCES = {"loop.workitem": visible_item_ids}
