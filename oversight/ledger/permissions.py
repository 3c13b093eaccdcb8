from django.utils.translation import gettext_lazy as _

PERMISSIONS = [
    ("ledger:audit:view", _("Read the ledger's trace of records and its state")),
    ("ledger:verify:run", _("Start a full verification of the ledger")),
    ("ledger:alarm:resolve", _("Resolve a ledger alarm (signing resumes)")),
]
