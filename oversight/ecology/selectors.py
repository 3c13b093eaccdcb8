"""Reads of political-ecology evaluation, scoped by the org tree: a commission's systems and
rounds are seen by those whose scope covers the commission."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from oversight.orgs.access import scope_q
from oversight.orgs.models import OrgNode

from . import scoring
from .models import Indicator, IndicatorSystem


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
