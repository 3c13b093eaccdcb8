"""The public channel's measures: complaints (by category of the small-power list), the
satisfaction of those who rated a reply, the dissatisfaction ledger and window ratings."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.loop.selectors import item_scope
from oversight.measures.registry import MEAN, RATE, Dimension, Measure, Source
from oversight.orgs.access import scope_q, sees_everything

from .models import Complaint, Dissatisfaction, PowerCategory, Rating
from .workflows import KIND


def _category_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in PowerCategory.objects.order_by("sort", "code")]


def _complaint_scope(viewer) -> Q:
    return Q(item__in=WorkItem.objects.filter(item_scope(viewer), kind=KIND).values("pk"))


def _dissatisfaction_scope(viewer) -> Q:
    """As the ledger's list: by the complaint's item or by the department concerned."""
    if sees_everything(viewer):
        return Q()
    complaints = Complaint.objects.filter(_complaint_scope(viewer)).values("pk")
    return Q(complaint__in=complaints) | scope_q(viewer, node="responsible_node")


COMPLAINTS = Source(
    id="public.complaints",
    label=_("Public complaints"),
    model=Complaint,
    scope=_complaint_scope,
    node="item__responsible_node",
    record_url=lambda c: reverse("public_staff:complaint_detail", args=[c.item_id]),
    record_label=lambda c: f"{c.reference} {c.item.title}",
    dimension=Dimension("power_item__category__code", _("category"), _category_choices),
    select_related=("item", "item__responsible_node"),
)

DISSATISFACTION = Source(
    id="public.dissatisfaction",
    label=_("Dissatisfaction ledger"),
    model=Dissatisfaction,
    scope=_dissatisfaction_scope,
    node="responsible_node",
    record_url=lambda d: reverse("public_staff:complaint_detail", args=[d.complaint.item_id]),
    record_label=lambda d: f"{d.complaint.reference} · {d.responsible_node.name}",
    select_related=("complaint", "responsible_node"),
)

RATINGS = Source(
    id="public.ratings",
    label=_("Window ratings"),
    model=Rating,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda r: reverse("public_staff:style_table"),
    record_label=lambda r: f"{r.node.name} {r.created_on} · {r.score}",
    select_related=("node",),
)


def received(w) -> Q:
    return Q(received_on__gte=w.start, received_on__lte=w.end)


MEASURES = [
    Measure(
        "public.complaints",
        _("Public complaints received"),
        source=COMPLAINTS,
        where=received,
        definition=_(
            "Complaints received in the period, by the unit handling them; by category "
            "of the small-power list."
        ),
        perm="public:complaint:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "public.satisfaction",
        _("Satisfaction with replies"),
        source=COMPLAINTS,
        where=lambda w: Q(rated_at__gte=w.start_at, rated_at__lt=w.end_at, satisfied__isnull=False),
        good=Q(satisfied=True),
        kind=RATE,
        definition=_(
            "Replies rated satisfied in the period, as a share of all replies rated in the period."
        ),
        perm="public:complaint:view",
        higher_is_better=True,
        order=20,
    ),
    Measure(
        "public.dissatisfied",
        _("Dissatisfaction ledger entries"),
        source=DISSATISFACTION,
        where=lambda w: Q(recorded_on__gte=w.start, recorded_on__lte=w.end),
        definition=_(
            "Dissatisfied ratings recorded in the ledger in the period, by the "
            "department that handled the complaint."
        ),
        perm="public:complaint:view",
        order=30,
    ),
    Measure(
        "public.window_rating",
        _("Average window rating"),
        source=RATINGS,
        where=lambda w: Q(created_on__gte=w.start, created_on__lte=w.end),
        kind=MEAN,
        field="score",
        unit=_("of 5"),
        precision=2,
        definition=_("Average score (1 to 5) citizens gave windows and units in the period."),
        perm="public:style:view",
        higher_is_better=True,
        order=40,
    ),
]
