"""Reads of political-ecology evaluation, scoped by the org tree: a commission's systems and
rounds are seen by those whose scope covers the commission."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from oversight.orgs.access import scope_q
from oversight.orgs.models import OrgNode

from . import scoring
from .models import EvaluationRound, Indicator, IndicatorSystem, Portrait


def system_list(*, viewer) -> QuerySet[IndicatorSystem]:
    """The systems of the commissions in the viewer's scope."""
    return (
        IndicatorSystem.objects.filter(scope_q(viewer, node="owner_node"))
        .select_related("owner_node")
        .annotate(size=Count("indicators"))
        .order_by("-year", "subject", "title")
    )


def system_get(*, viewer, pk: int) -> IndicatorSystem:
    return get_object_or_404(system_list(viewer=viewer), pk=pk)


def indicator_get(*, viewer, pk: int) -> Indicator:
    systems = system_list(viewer=viewer).values("pk")
    return get_object_or_404(Indicator.objects.select_related("system"), pk=pk, system__in=systems)


@dataclass
class Branch:
    """An indicator with the indicators under it, for pages."""

    indicator: Indicator
    children: list[Branch] = field(default_factory=list)
    depth: int = 0

    def flat(self):
        yield self
        for child in self.children:
            yield from child.flat()


def tree(*, system: IndicatorSystem) -> list[Branch]:
    """The system's indicators as a tree, each level in order."""
    rows = list(system.indicators.order_by("order", "id"))
    by_parent: dict[int | None, list[Indicator]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_id, []).append(row)

    def build(parent_id, depth):
        return [
            Branch(row, build(row.pk, depth + 1), depth) for row in by_parent.get(parent_id, [])
        ]

    return build(None, 0)


def flat_tree(*, system: IndicatorSystem) -> list[Branch]:
    return [b for top in tree(system=system) for b in top.flat()]


def engine_tree(branches: list[Branch]) -> list[scoring.Node]:
    """The tree as the score engine reads it."""
    return [
        scoring.Node(
            id=b.indicator.pk,
            weight=float(b.indicator.weight),
            children=engine_tree(b.children),
            rule=b.indicator.rule,
            params=dict(b.indicator.params),
            unit_types=tuple(b.indicator.unit_types),
        )
        for b in branches
    ]


def weight_problems(*, system: IndicatorSystem) -> list[str]:
    """What keeps the system from scoring, in words: weights that do not add up (for each unit
    type some items are limited to), and indicators without a rule or children."""
    branches = tree(system=system)
    if not branches:
        return [_("The system has no indicators yet.")]
    by_id = {b.indicator.pk: b.indicator for top in branches for b in top.flat()}
    types = sorted({t for i in by_id.values() for t in i.unit_types})
    type_names = dict(OrgNode.Type.choices)
    messages = []
    for parent_id, unit_type, expected, found in scoring.weight_problems(
        engine_tree(branches), ["", *types] if types else [None]
    ):
        where = (
            _("the top level")
            if parent_id is None
            else f"{by_id[parent_id].code} {by_id[parent_id].title}"
        )
        text = _(
            "The indicators under %(where)s add up to %(found)s points; they should add up "
            "to %(expected)s."
        ) % {
            "where": where,
            "found": _number(found),
            "expected": _number(expected),
        }
        if unit_type:
            text = _("For %(type)s: %(text)s") % {
                "type": type_names.get(unit_type, unit_type),
                "text": text,
            }
        elif unit_type == "":
            text = _("For other units: %(text)s") % {"text": text}
        messages.append(text)
    for row in by_id.values():
        if not row.rule and not any(c.parent_id == row.pk for c in by_id.values()):
            messages.append(
                _("%(code)s %(title)s has neither a scoring rule nor indicators under it.")
                % {"code": row.code, "title": row.title}
            )
    return messages


def _number(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


# --- rounds and portraits ---------------------------------------------------------------------


def round_list(*, viewer) -> QuerySet[EvaluationRound]:
    """The rounds of the commissions in the viewer's scope."""
    return (
        EvaluationRound.objects.filter(scope_q(viewer, node="system__owner_node"))
        .select_related("system", "system__owner_node")
        .annotate(size=Count("portraits"))
        .order_by("-system__year", "title")
    )


def round_get(*, viewer, pk: int) -> EvaluationRound:
    return get_object_or_404(round_list(viewer=viewer), pk=pk)


def portrait_q(viewer) -> Q:
    """The portraits a viewer may see: every portrait of the commissions in their scope, and,
    of a round the commission has published, those of the units in their scope — so a unit
    sees its own portrait once published, never another unit's."""
    commission = scope_q(viewer, node="round__system__owner_node")
    if not commission:  # an empty Q is "everything": or-ing anything to it would narrow it
        return commission
    published = Q(round__published=True, round__state=EvaluationRound.State.FROZEN)
    return commission | (published & scope_q(viewer, node="node"))


def portrait_list(*, viewer, round_: EvaluationRound | None = None) -> QuerySet[Portrait]:
    qs = Portrait.objects.filter(portrait_q(viewer)).select_related(
        "node", "person", "round", "round__system"
    )
    if round_ is not None:
        qs = qs.filter(round=round_)
    return qs.order_by("round", "unit_type", "rank", "node__path", "person__name")


def portrait_get(*, viewer, pk: int) -> Portrait:
    return get_object_or_404(portrait_list(viewer=viewer), pk=pk)


def sees_round(*, viewer, round_: EvaluationRound) -> bool:
    """Whether the viewer sees the whole round (the commission's side), not only portraits."""
    return round_list(viewer=viewer).filter(pk=round_.pk).exists()


def _peers(portrait: Portrait) -> QuerySet[Portrait]:
    return Portrait.objects.filter(
        round=portrait.round_id,
        unit_type=portrait.unit_type,
        person__isnull=portrait.person_id is None,
    )


def last_year(portrait: Portrait) -> Portrait | None:
    """The same unit's (or leader's) portrait of the year before, from a frozen round of the
    same commission and subject."""
    system = portrait.round.system
    return (
        Portrait.objects.filter(
            subject=portrait.subject,
            round__state=EvaluationRound.State.FROZEN,
            round__system__owner_node=system.owner_node_id,
            round__system__subject=system.subject,
            round__system__year=system.year - 1,
        )
        .order_by("-round__frozen_at")
        .first()
    )


def radar(*, portrait: Portrait) -> dict:
    """The radar chart's data: one axis per aspect (its share of its points, 0–100), the
    portrait's own, the average of its peers of the same unit type in the round, and last
    year's where an aspect of the same title was scored."""
    titles = [a["title"] for a in portrait.aspects]
    sums = {t: [0.0, 0] for t in titles}
    for aspects in _peers(portrait).values_list("aspects", flat=True):
        for a in aspects:
            if a["title"] in sums and a["percent"] is not None:
                sums[a["title"]][0] += a["percent"]
                sums[a["title"]][1] += 1
    before = last_year(portrait)
    previous = {a["title"]: a["percent"] for a in before.aspects} if before else {}
    return {
        "axes": [{"name": t, "max": 100} for t in titles],
        "own": [a["percent"] for a in portrait.aspects],
        "peers": [round(sums[t][0] / sums[t][1], 1) if sums[t][1] else None for t in titles],
        "last_year": [previous.get(t) for t in titles] if before else None,
    }


def trend(*, portrait: Portrait) -> list[tuple[int, float]]:
    """The unit's (or leader's) score in each year's frozen rounds of the same commission and
    subject, oldest first."""
    system = portrait.round.system
    rows = (
        Portrait.objects.filter(
            subject=portrait.subject,
            round__state=EvaluationRound.State.FROZEN,
            round__system__owner_node=system.owner_node_id,
            round__system__subject=system.subject,
        )
        .order_by("round__system__year", "round__frozen_at")
        .values_list("round__system__year", "score")
    )
    by_year = {year: float(score) for year, score in rows}
    return sorted(by_year.items())
