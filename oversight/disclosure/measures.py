"""Disclosure supervision's measures, for the unit that owes the disclosure: disclosures due
and checked, the on-time rate, those not published, lapses lit and still open, supervision
suggestions sent and rectification notices issued on lapses."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import RATE, Dimension, Measure, Source
from oversight.orgs.access import scope_q

from .models import CatalogueItem, Expectation, Lapse

PERM = "disclosure:view"

EXPECTATIONS = Source(
    id="disclosure.expectations",
    label=_("Disclosures due"),
    model=Expectation,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda e: reverse("disclosure:publication_list") + f"?node={e.node_id}",
    record_label=lambda e: f"{e.node.name} · {e.catalogue_item.title} ({e.key})",
    dimension=Dimension(
        "catalogue_item__category", _("category"), lambda: CatalogueItem.Category.choices
    ),
    select_related=("node", "catalogue_item"),
)

LAPSES = Source(
    id="disclosure.lapses",
    label=_("Disclosure lapses"),
    model=Lapse,
    scope=lambda viewer: scope_q(viewer, node="node"),
    node="node",
    record_url=lambda lapse: reverse("disclosure:lapse_detail", args=[lapse.item_id]),
    record_label=lambda lapse: str(lapse),
    dimension=Dimension("kind", _("lapse"), lambda: Lapse.Kind.choices),
    select_related=("node", "catalogue_item"),
)


def due(w) -> Q:
    """Due in the period, before its reference day (checked the day after)."""
    return Q(due__gte=w.start, due__lte=w.end, due__lt=w.as_of)


def still_open(w) -> Q:
    if w.live:
        return Q(item__closed_at__isnull=True)
    return Q(found_on__lte=w.as_of) & (
        Q(item__closed_at__isnull=True) | Q(item__closed_at__gte=w.as_of_end)
    )


MEASURES = [
    Measure(
        "disclosure.due",
        _("Disclosures due"),
        source=EXPECTATIONS,
        where=due,
        definition=_("Disclosures of the catalogue due in the period and checked."),
        perm=PERM,
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "disclosure.on_time_rate",
        _("Disclosures published on time"),
        source=EXPECTATIONS,
        where=due,
        kind=RATE,
        good=Q(status=Expectation.Status.ON_TIME),
        definition=_(
            "Share of the disclosures due in the period that were published by their date."
        ),
        perm=PERM,
        higher_is_better=True,
        order=20,
    ),
    Measure(
        "disclosure.missing",
        _("Disclosures not published"),
        source=EXPECTATIONS,
        where=lambda w: due(w) & Q(status=Expectation.Status.MISSING),
        definition=_("Disclosures due in the period of which no notice was captured by the check."),
        perm=PERM,
        order=30,
    ),
    Measure(
        "disclosure.lapses_found",
        _("Disclosure lapses lit"),
        source=LAPSES,
        where=lambda w: Q(found_on__gte=w.start, found_on__lte=w.end),
        definition=_(
            "Lapses (missing, late, incomplete, no photo, republished) found in the period."
        ),
        perm=PERM,
        order=40,
    ),
    Measure(
        "disclosure.lapses_open",
        _("Disclosure lapses open"),
        source=LAPSES,
        where=still_open,
        definition=_("Lapses not yet verified or dismissed (at the period's end once it is over)."),
        perm=PERM,
        order=50,
    ),
    Measure(
        "disclosure.suggestions",
        _("Supervision suggestions on disclosure"),
        source=LAPSES,
        where=lambda w: Q(suggested_on__gte=w.start, suggested_on__lte=w.end),
        definition=_("Lapses on which a supervision suggestion was sent in the period."),
        perm=PERM,
        order=60,
    ),
    Measure(
        "disclosure.notices",
        _("Lapses returned with a rectification notice"),
        source=LAPSES,
        where=lambda w: Q(notices__gt=0, found_on__gte=w.start, found_on__lte=w.end),
        definition=_(
            "Lapses found in the period whose feedback was returned with a rectification notice."
        ),
        perm=PERM,
        order=70,
    ),
]
