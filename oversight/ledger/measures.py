"""The ledger's measures: days since the last full verification that found everything in
order, and verifications that found mismatches. They describe the platform, not a unit, so
every node shows the same figure."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.measures.registry import AGE, NONE, Measure, Source

from .models import VerificationRun

VERIFICATIONS = Source(
    id="ledger.verifications",
    label=_("Ledger verifications"),
    model=VerificationRun,
    scope=lambda viewer: Q(),
    node=None,
    record_url=lambda run: reverse("ledger:state"),
)

MEASURES = [
    Measure(
        "ledger.last_verification",
        _("Days since the ledger was last verified"),
        source=VERIFICATIONS,
        where=lambda w: Q(ok=True, finished_at__lt=w.as_of_end),
        kind=AGE,
        field="finished_at",
        rollup=NONE,
        definition=_(
            "Days from the last full verification that found every record, node and "
            "checkpoint in order to the reference day; the list shows those "
            "verifications."
        ),
        perm="ledger:audit:view",
        order=10,
    ),
    Measure(
        "ledger.verification_failures",
        _("Verifications with mismatches"),
        source=VERIFICATIONS,
        where=lambda w: Q(ok=False, finished_at__gte=w.start_at, finished_at__lt=w.end_at),
        rollup=NONE,
        definition=_(
            "Full verifications finished in the period that found a record, node or "
            "checkpoint not matching."
        ),
        perm="ledger:audit:view",
        order=20,
    ),
]
