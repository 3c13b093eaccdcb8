"""The collectives' register measures, for the village: months published on time, assets
with expired or underpriced contracts (the anomalies found), objections raised."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import RATE, Dimension, Measure, Source
from oversight.orgs.access import scope_q

from .models import Anomaly, Objection, Reimbursement, Statement

PERM = "collective:view"

STATEMENTS = Source(
    id="collective.statements",
    label=_("Published collective accounts"),
    model=Statement,
    scope=lambda viewer: scope_q(viewer, node="collective__node"),
    node="collective__node",
    record_url=lambda s: reverse("collective:entry_list") + f"?month={s.month}",
    record_label=lambda s: f"{s.collective.node.name} · {s.month}",
    select_related=("collective__node",),
)

ANOMALIES = Source(
    id="collective.anomalies",
    label=_("Collective anomalies"),
    model=Anomaly,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda a: reverse("collective:anomaly_detail", args=[a.item_id]),
    record_label=lambda a: str(a),
    dimension=Dimension("kind", _("anomaly"), lambda: Anomaly.Kind.choices),
    select_related=("node",),
)

OBJECTIONS = Source(
    id="collective.objections",
    label=_("Objections of members"),
    model=Objection,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda o: reverse("collective:entry_list"),
    record_label=lambda o: str(o),
    select_related=("node",),
)

REIMBURSEMENTS = Source(
    id="collective.reimbursements",
    label=_("Collective reimbursements"),
    model=Reimbursement,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda r: reverse("collective:reimbursement_detail", args=[r.item_id]),
    record_label=lambda r: str(r),
    select_related=("node",),
)

# A reimbursement still undecided (not approved, refused or withdrawn) this many days after
# the village proposed it.
UNDECIDED_DAYS = 10


def undecided(w) -> Q:
    """Proposed more than UNDECIDED_DAYS before the window's day and still open on it."""
    limit = w.as_of_end - datetime.timedelta(days=UNDECIDED_DAYS)
    return Q(item__opened_at__lt=limit) & (
        Q(item__closed_at__isnull=True) | Q(item__closed_at__gte=w.as_of_end)
    )


MEASURES = [
    Measure(
        "collective.on_time_rate",
        _("Collective accounts published on time"),
        source=STATEMENTS,
        where=lambda w: Q(due__gte=w.start, due__lte=w.end),
        kind=RATE,
        good=Q(published_on__lte=F("due")),
        definition=_(
            "Share of the months due in the period whose accounts were published by the 10th "
            "of the following month."
        ),
        perm=PERM,
        higher_is_better=True,
        order=10,
    ),
    Measure(
        "collective.contract_anomalies",
        _("Assets with expired or underpriced contracts"),
        source=ANOMALIES,
        where=lambda w: (
            Q(found_on__gte=w.start, found_on__lte=w.end)
            & Q(kind__in=[Anomaly.Kind.UNDERPRICED, Anomaly.Kind.EXPIRED])
        ),
        definition=_(
            "Contracts found in the period with a rent below half that of comparable "
            "contracts, or ended while the asset is still recorded as leased."
        ),
        perm=PERM,
        order=20,
    ),
    Measure(
        "collective.objections",
        _("Objections raised by members"),
        source=OBJECTIONS,
        where=lambda w: Q(raised_on__gte=w.start, raised_on__lte=w.end),
        definition=_("Questions or objections members raised on published records in the period."),
        perm=PERM,
        order=30,
    ),
    Measure(
        "collective.reimbursements_undecided",
        _("Reimbursements undecided after 10 days"),
        source=REIMBURSEMENTS,
        where=undecided,
        definition=_(
            "Reimbursements a village proposed more than 10 days before the period's day and "
            "not yet approved, refused or withdrawn on it (awaiting the town, or returned)."
        ),
        perm=PERM,
        order=40,
    ),
]
