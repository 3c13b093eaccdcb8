"""Reads of major matters, through the loop's item scope."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from oversight.loop import selectors as loop_selectors
from oversight.loop.models import WorkItem

from .models import Matter

RANKING_SECONDS = 60


def matter_list(*, viewer, search: str = "", status: str = "") -> QuerySet[Matter]:
    """Matters whose item the viewer may see; red first, then yellow, then by deadline."""
    items = WorkItem.objects.filter(loop_selectors.item_scope(viewer), kind="matters.matter")
    qs = Matter.objects.filter(item__in=items).select_related(
        "item", "item__responsible_node", "leader"
    )
    if search:
        qs = qs.filter(item__title__icontains=search)
    if status == "open":
        qs = qs.filter(item__closed_at__isnull=True)
    elif status == "closed":
        qs = qs.filter(item__closed_at__isnull=False)
    urgency = Case(
        When(item__light=WorkItem.Light.RED, then=Value(0)),
        When(item__light=WorkItem.Light.YELLOW, then=Value(1)),
        When(item__closed_at__isnull=True, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return qs.annotate(urgency=urgency).order_by(
        "urgency", F("item__final_deadline").asc(nulls_last=True), "-pk"
    )


def matter_get(*, viewer, pk: int) -> Matter:
    """One matter in scope (by its work item's id), or 404."""
    return get_object_or_404(matter_list(viewer=viewer), item_id=pk)


OVERVIEW_SHOWN = 12
LIGHTS = ("red", "yellow", "green")


def overview(*, viewer, light: str = "") -> dict:
    """The leader's overview: the open matters in scope counted by light (every one of them),
    the most urgent shown (of one light when ``light`` is given; the rest one click away on
    the list), and units ranked by on-time rate."""
    open_matters = matter_list(viewer=viewer, status="open")
    counts = {light: 0 for light in LIGHTS}
    for value, n in open_matters.order_by().values_list("item__light").annotate(n=Count("pk")):
        if value in counts:
            counts[value] = n
    light = light if light in LIGHTS else ""
    shown = open_matters.filter(item__light=light) if light else open_matters
    matters = list(shown[:OVERVIEW_SHOWN])
    tasks = WorkItem.objects.filter(loop_selectors.item_scope(viewer), kind="matters.task")
    # Rankings move slowly and cost a pass over every task in scope: kept a minute per viewer.
    key = f"matters:ranking:{viewer.pk}"
    ranking = cache.get(key)
    if ranking is None:
        ranking = [
            row
            for row in loop_selectors.statistics(viewer=viewer, kind="matters.task")
            if row.closed
        ][:20]
        cache.set(key, ranking, RANKING_SECONDS)
    return {
        "matters": matters,
        "light": light,
        "more": len(matters) == OVERVIEW_SHOWN and shown.count() > OVERVIEW_SHOWN,
        "counts": counts,
        "open_tasks": tasks.filter(closed_at__isnull=True).count(),
        "overdue_tasks": tasks.filter(closed_at__isnull=True, light=WorkItem.Light.RED).count(),
        "ranking": ranking,
    }
