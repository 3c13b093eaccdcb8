"""Reads of joint supervision. A department sees the plans it takes part in (as a member, or
from inside a member's subtree), the findings it recorded, those shared with the plan and those
handed over to it; nothing more. Whoever sees every node (the commission's leaders) sees all."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from oversight.orgs.access import has_perm, sees_everything

from .models import Handover, JointFinding, Plan


def departments_of(viewer) -> list[int]:
    """The viewer's node and its ancestors: any of them may be a plan's member department."""
    if viewer is None or not viewer.is_authenticated or viewer.org_node_id is None:
        return []
    node = viewer.org_node
    return [*node.ancestor_ids, node.pk]


def plan_list(*, viewer) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("lead")
    if sees_everything(viewer):
        return qs
    return qs.filter(members__in=departments_of(viewer)).distinct()


def plan_get(*, viewer, pk: int) -> Plan:
    return get_object_or_404(plan_list(viewer=viewer), pk=pk)


def finding_list(*, viewer, plan: Plan | None = None, department=None) -> QuerySet[JointFinding]:
    """Findings of visible plans: shared ones, the viewer's department's own, and those handed
    over to it. With ``department`` (the lead's joint report), what that department sees,
    whoever reads: the viewer's own wider scope does not widen a department's document."""
    qs = JointFinding.objects.filter(plan__in=plan_list(viewer=viewer)).select_related(
        "plan", "unit", "department"
    )
    if department is not None or not sees_everything(viewer):
        mine = [department.pk] if department is not None else departments_of(viewer)
        handed = Handover.objects.filter(to_department__in=mine).values("finding")
        qs = qs.filter(Q(shared=True) | Q(department__in=mine) | Q(pk__in=handed))
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("unit__path", "created_at", "pk")


def finding_get(*, viewer, pk: int) -> JointFinding:
    return get_object_or_404(finding_list(viewer=viewer), pk=pk)


def handover_list(*, viewer, plan: Plan | None = None, department=None) -> QuerySet[Handover]:
    """The plan's hand-overs the viewer may see, each with ``outcome``: the comment of the
    latest outcome reported back (one query for the whole list)."""
    from oversight.loop.models import Event

    latest_report = Event.objects.filter(item=OuterRef("item"), transition="report").order_by(
        "-at", "-pk"
    )
    return (
        Handover.objects.filter(
            finding__in=finding_list(viewer=viewer, plan=plan, department=department)
        )
        .select_related("item", "to_department", "finding__department", "finding__unit")
        .annotate(outcome=Subquery(latest_report.values("comment")[:1]))
    )


# What the other modules know of a unit, shown beside the departments' findings: read as
# measures (never their tables), in the viewer's scope, this month.
PICTURE_MEASURES = [
    "inspections.open",
    "inspections.overdue",
    "loop.overdue",
    "analytics.warnings",
    "public.complaints",
]


def picture_measures(viewer) -> list:
    from oversight.measures import registry

    registry.autodiscover()
    return [
        registry.get(m)
        for m in PICTURE_MEASURES
        if m in registry.MEASURES and has_perm(viewer, registry.get(m).perm)
    ]


def combined(*, viewer, plan: Plan, on=None, department=None) -> list[dict]:
    """The combined picture: per unit of the plan, each department's findings side by side,
    and the unit's open and overdue rectification, overdue work, warnings and complaints of
    this month as measures the viewer may see."""
    from oversight.loop import timing
    from oversight.measures.registry import Period
    from oversight.measures.selectors import figures

    findings = list(finding_list(viewer=viewer, plan=plan, department=department))
    members = list(plan.members.order_by("path"))
    units = list(plan.units.order_by("path"))
    measures = picture_measures(viewer)
    on = on or timing.today()
    values = (
        figures(
            viewer=viewer,
            measures=measures,
            nodes=units,
            period=Period.containing(on),
            on=on,
        )
        if measures and units
        else {}
    )
    rows = []
    for unit in units:
        cells = [
            [f for f in findings if f.unit_id == unit.pk and f.department_id == d.pk]
            for d in members
        ]
        shown = [(m, values[m.id][unit.pk]) for m in measures]
        rows.append({"unit": unit, "cells": cells, "figures": shown})
    return rows
