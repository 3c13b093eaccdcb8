from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    (
        "schedules:digest:receive",
        _(
            "Receive the monthly digest of one's scope (leaders): work overdue, warnings, complaints"
        ),
    ),
]
