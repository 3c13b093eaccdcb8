"""Joint supervision's measures, for the department a clue was handed over to: hand-overs
received, still open, and open past their feedback deadline. Counted on the hand-overs the
viewer sees in the plans it takes part in (``selectors.finding_list``)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import Measure, Source
from oversight.loop.models import WorkItem
from oversight.orgs.access import sees_everything

from . import selectors
from .models import Handover


def handover_scope(viewer) -> Q:
    if sees_everything(viewer):
        return Q()
    return Q(finding__in=selectors.finding_list(viewer=viewer).values("pk"))


HANDOVERS = Source(
    id="joint.handovers",
    label=_("Clue hand-overs"),
    model=Handover,
    scope=handover_scope,
    node="to_department",
    record_url=lambda handover: reverse("joint:plan_detail", args=[handover.finding.plan_id]),
    record_label=lambda handover: f"{handover.to_department.name} · {handover.finding}",
    select_related=("to_department", "finding"),
)


def still_open(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True)
    return Q(item__opened_at__lt=w.as_of_end) & (
        Q(item__closed_at__isnull=True) | Q(item__closed_at__gte=w.as_of_end)
    )


def overdue(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True, item__light=WorkItem.Light.RED)
    return still_open(w) & Q(feedback_by__lt=w.as_of)


MEASURES = [
    Measure(
        "joint.handovers",
        _("Clues handed over"),
        source=HANDOVERS,
        where=lambda w: Q(item__opened_at__gte=w.start_at, item__opened_at__lt=w.end_at),
        definition=_("Clues handed over to the department in the period."),
        perm="joint:plan:view",
        order=10,
    ),
    Measure(
        "joint.handovers_open",
        _("Hand-overs open"),
        source=HANDOVERS,
        where=still_open,
        definition=_("Clue hand-overs not yet confirmed on the reference day."),
        perm="joint:plan:view",
        order=20,
    ),
    Measure(
        "joint.handovers_overdue",
        _("Hand-overs overdue"),
        source=HANDOVERS,
        where=overdue,
        definition=_(
            "Clue hand-overs open past their deadline on the reference day (while the period "
            "runs: the loop's red light)."
        ),
        perm="joint:plan:view",
        order=30,
    ),
]
