from django.utils.translation import gettext_lazy as _

from oversight.notify.kinds import Kind

NOTIFICATION_KINDS = [
    Kind(
        "schedules.digest",
        _("Monthly digest of my scope"),
        ("email",),
        description=_(
            "Rule: sent on the first working day of each month to the roles granted “Receive "
            "the monthly digest”: last month's work overdue, warnings raised and complaints "
            "received in your scope, with the month before."
        ),
    ),
]
