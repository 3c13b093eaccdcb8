"""Political ecology's measures, for the duty assessment and the cockpit: the portrait score and
the rank among peers of the units' portraits of the rounds the commission froze and published
(counted in the period the round was frozen), and the portraits below the warning line."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import MEAN, Measure, Source

from .models import EvaluationRound, Portrait
from .selectors import portrait_q

PORTRAITS = Source(
    id="ecology.portraits",
    label=_("Political-ecology portraits"),
    model=Portrait,
    scope=portrait_q,
    node="node",
    record_url=lambda p: reverse("ecology:portrait_detail", args=[p.pk]),
    record_label=lambda p: f"{p.round} · {p.node.name}",
    select_related=("round__system", "node"),
)


def published_units(w) -> Q:
    """Units' portraits (not leaders') of the published rounds frozen in the period."""
    return Q(
        round__frozen_at__gte=w.start_at,
        round__frozen_at__lt=w.end_at,
        person__isnull=True,
        round__state=EvaluationRound.State.FROZEN,
        round__published=True,
    )


MEASURES = [
    Measure(
        "ecology.portrait_score",
        _("Political-ecology score"),
        source=PORTRAITS,
        where=published_units,
        kind=MEAN,
        field="score",
        unit=_("points"),
        definition=_(
            "Average score (out of 100) of the units' political-ecology portraits of the "
            "published rounds frozen in the period."
        ),
        perm="ecology:system:view",
        higher_is_better=True,
        order=10,
    ),
    Measure(
        "ecology.portrait_rank",
        _("Political-ecology rank among peers"),
        source=PORTRAITS,
        where=published_units,
        kind=MEAN,
        field="rank",
        definition=_(
            "Average rank of the units' portraits among the units of the same type in the "
            "published rounds frozen in the period (1 is the best)."
        ),
        perm="ecology:system:view",
        higher_is_better=False,
        order=20,
    ),
    Measure(
        "ecology.portraits_below_line",
        _("Political-ecology portraits below the warning line"),
        source=PORTRAITS,
        where=lambda w: published_units(w) & Q(score__lt=F("round__warning_below")),
        definition=_(
            "Units' portraits of the published rounds frozen in the period whose score fell "
            "below the round's warning line."
        ),
        perm="ecology:system:view",
        order=30,
    ),
]
