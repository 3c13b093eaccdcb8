from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("collective:view", _("See collectives' accounts, assets, contracts and anomalies")),
    (
        "collective:record",
        _("Keep collectives' accounts, assets and contracts; publish monthly statements"),
    ),
    ("collective:anomaly:supervise", _("Supervise anomalies of collectives' funds and assets")),
    (
        "collective:review",
        _("Review villages' reimbursements and asset steps (the town's approval)"),
    ),
]
