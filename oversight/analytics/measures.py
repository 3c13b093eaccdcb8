"""The comparison models' measures: warnings raised (by model; red ones apart), confirmed as
clues, dismissed as false positives, and the precision of those decided. Warnings count under
the org unit they were resolved to; those naming no known unit have no node to count under."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.measures.registry import RATE, Dimension, Measure, Source

from .models import Warning
from .selectors import warning_scope


def _model_choices() -> list[tuple[str, str]]:
    from . import bridge

    return [(entry.id, str(entry.name)) for entry in bridge.library()]


WARNINGS = Source(
    id="analytics.warnings",
    label=_("Warnings of the comparison models"),
    model=Warning,
    scope=warning_scope,
    node="unit",
    record_url=lambda w: reverse("analytics:warning_detail", args=[w.pk]),
    record_label=lambda w: f"{w.model_id} · {w.subject_name or w.subject_id} ({w.unit_name})",
    dimension=Dimension("model_id", _("model"), _model_choices),
    select_related=("unit",),
)


def raised(w) -> Q:
    return Q(first_seen__gte=w.start_at, first_seen__lt=w.end_at)


def decided(w, *statuses) -> Q:
    return Q(decided_at__gte=w.start_at, decided_at__lt=w.end_at, status__in=statuses)


CLUE, DISMISSED = Warning.Status.CLUE, Warning.Status.DISMISSED

MEASURES = [
    Measure(
        "analytics.warnings",
        _("Warnings raised"),
        source=WARNINGS,
        where=raised,
        definition=_("Warnings the comparison models raised for the first time in the period."),
        perm="analytics:warning:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "analytics.warnings_red",
        _("Red warnings raised"),
        source=WARNINGS,
        where=lambda w: raised(w) & Q(severity=Warning.Severity.RED),
        definition=_("Warnings of red severity raised for the first time in the period."),
        perm="analytics:warning:view",
        order=20,
    ),
    Measure(
        "analytics.confirmed",
        _("Warnings confirmed as clues"),
        source=WARNINGS,
        where=lambda w: decided(w, CLUE),
        definition=_("Warnings turned into clues in the period."),
        perm="analytics:warning:view",
        higher_is_better=None,
        order=30,
    ),
    Measure(
        "analytics.dismissed",
        _("Warnings dismissed"),
        source=WARNINGS,
        where=lambda w: decided(w, DISMISSED),
        definition=_("Warnings dismissed as false positives in the period."),
        perm="analytics:warning:view",
        order=40,
    ),
    Measure(
        "analytics.precision",
        _("Precision of the warnings"),
        source=WARNINGS,
        where=lambda w: decided(w, CLUE, DISMISSED),
        good=Q(status=CLUE),
        kind=RATE,
        definition=_(
            "Warnings turned into clues as a share of the warnings decided in the period "
            "(clues and dismissals)."
        ),
        perm="analytics:warning:view",
        higher_is_better=True,
        order=50,
    ),
]
