"""Reads of integrity risks. The catalogue is the commission's shared reference (anyone holding
``risks:view`` reads it); assignments, reminders and talks are scoped by the org tree: a unit
sees its own and those below it, the commission what its scope covers (reminders through their
work items' scope, as every module's items)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from oversight.loop import selectors as loop_selectors
from oversight.loop.models import WorkItem
from oversight.measures import selectors as measure_selectors
from oversight.measures.registry import Period
from oversight.orgs.access import scope_q
from oversight.orgs.models import OrgNode

from .models import Assignment, Level, Reminder, RiskPoint, RiskRule, Talk


def commission_over(node: OrgNode) -> OrgNode:
    """The discipline commission of the nearest tree above ``node`` (a commission beside one
    of its ancestors, as the county's commission sits under the county); the root where there
    is none."""
    chain = [*node.ancestor_ids, node.pk]
    commission = (
        OrgNode.objects.filter(type=OrgNode.Type.COMMISSION, is_active=True)
        .filter(Q(pk__in=chain) | Q(parent_id__in=node.ancestor_ids))
        .order_by("-depth")
        .first()
    )
    if commission is not None:
        return commission
    root = node.ancestor_ids[0] if node.ancestor_ids else node.pk
    return OrgNode.objects.get(pk=root)


# --- the catalogue -----------------------------------------------------------------------------


def point_list(*, category: str = "", level: str = "", search: str = "") -> QuerySet[RiskPoint]:
    qs = RiskPoint.objects.all()
    if category:
        qs = qs.filter(category=category)
    if level:
        qs = qs.filter(level=level)
    search = search.strip()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("category", "name", "pk")


def point_get(*, pk: int) -> RiskPoint:
    return get_object_or_404(RiskPoint, pk=pk)


def assignment_list(*, viewer, point: RiskPoint | None = None) -> QuerySet[Assignment]:
    """Assignments to units in the viewer's scope."""
    qs = Assignment.objects.filter(scope_q(viewer, node="node")).select_related("node", "point")
    if point is not None:
        qs = qs.filter(point=point)
    return qs.order_by("node__path", "post", "pk")


def rule_list() -> QuerySet[RiskRule]:
    return RiskRule.objects.order_by("code")


# --- reminders ---------------------------------------------------------------------------------


def reminder_scope(viewer) -> Q:
    return Q(item__in=WorkItem.objects.filter(loop_selectors.item_scope(viewer)).values("pk"))


def reminder_list(
    *,
    viewer,
    node: OrgNode | None = None,
    level: str = "",
    rule: RiskRule | None = None,
    open_only: bool = False,
) -> QuerySet[Reminder]:
    qs = Reminder.objects.filter(reminder_scope(viewer)).select_related(
        "item", "node", "person", "rule"
    )
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    if level:
        qs = qs.filter(level=level)
    if rule is not None:
        qs = qs.filter(rule=rule)
    if open_only:
        qs = qs.filter(item__closed_at__isnull=True)
    return qs.order_by("-fired_on", "-pk")


def reminder_get(*, viewer, pk: int) -> Reminder:
    """A reminder by its work item's id, if the viewer may see it; else 404."""
    return get_object_or_404(reminder_list(viewer=viewer), item_id=pk)


def talk_list(*, viewer, person=None) -> QuerySet[Talk]:
    qs = Talk.objects.filter(scope_q(viewer, node="node")).select_related(
        "person", "node", "reminder"
    )
    if person is not None:
        qs = qs.filter(person=person)
    return qs.order_by("-held_on", "-pk")


# --- the risk map ------------------------------------------------------------------------------


@dataclass
class MapRow:
    node: OrgNode
    by_level: dict[str, int]
    total: int
    before: int  # the previous period's total

    @property
    def trend(self) -> str:
        if self.total > self.before:
            return "up"
        if self.total < self.before:
            return "down"
        return "flat"


def map_units(*, viewer, parent: OrgNode | None = None, limit: int = 200) -> list[OrgNode]:
    """The units shown on the map: the children of ``parent`` in the viewer's scope, or the
    highest nodes of the scope's tree and their children."""
    qs = OrgNode.objects.filter(scope_q(viewer, node=""), is_active=True)
    if parent is not None:
        qs = qs.filter(parent=parent)
    else:
        top = qs.order_by("depth", "path").first()
        if top is None:
            return []
        qs = qs.filter(Q(pk=top.pk) | Q(parent=top))
    return list(qs.order_by("path")[:limit])


def risk_map(
    *, viewer, on: datetime.date, kind: str = Period.QUARTER, parent: OrgNode | None = None
) -> tuple[Period, list[MapRow]]:
    """Per unit of the viewer's scope, the reminders fired in the period containing ``on``
    by level, with the previous period's total (rising or falling): the measure
    ``risks.reminders_fired`` split by level, read through the measures registry."""
    from oversight.measures.registry import get

    measure = get("risks.reminders_fired")
    period = Period.containing(on, kind)
    units = map_units(viewer=viewer, parent=parent)
    if not units:
        return period, []
    now = measure_selectors.figures(
        viewer=viewer, measures=[measure], nodes=units, period=period, split=True, on=on
    )[measure.id]
    before = measure_selectors.figures(
        viewer=viewer, measures=[measure], nodes=units, period=period.previous(), on=on
    )[measure.id]
    rows = []
    for unit in units:
        by_level = {level: 0 for level in Level.values}
        for (node_id, level), fig in now.items():
            if node_id == unit.pk and level in by_level:
                by_level[level] = int(fig.value or 0)
        rows.append(
            MapRow(
                node=unit,
                by_level=by_level,
                total=sum(by_level.values()),
                before=int(before[unit.pk].value or 0),
            )
        )
    return period, rows
