"""The cockpit's picture of one scope: tiles, breakdowns, units, trends — all measures.

Every number comes from the measures registry, so it counts what the viewer's lists show, and
every number carries the URL of the records behind it (the measure's click-through with the
node, period and dimension value kept).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from oversight.measures import selectors
from oversight.measures.registry import COUNT, Period
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_children, node_roots

# The tiles a scope shows, in order; a measure the viewer may not see is left out.
TILES = [
    "loop.open",
    "loop.overdue",
    "loop.closed",
    "loop.on_time_rate",
    "loop.days_to_close",
    "matters.progress",
    "matters.milestones_missed",
    "public.complaints",
    "public.satisfaction",
    "public.dissatisfied",
    "public.window_rating",
    "analytics.warnings",
    "analytics.warnings_red",
    "analytics.precision",
    "ledger.last_verification",
]
# The units (areas) below the scope, one row each: work items, complaints with their
# satisfaction, and warnings, by area.
UNIT_COLUMNS = [
    "loop.open",
    "loop.overdue",
    "loop.closed",
    "loop.on_time_rate",
    "public.complaints",
    "public.satisfaction",
    "analytics.warnings",
]
# Splits by the source's dimension: work items by kind, complaints and their satisfaction by
# category, warnings by model.
BREAKDOWNS = [
    "loop.open",
    "loop.overdue",
    "loop.closed",
    "public.complaints",
    "public.satisfaction",
    "analytics.warnings",
]
TRENDS = ["loop.opened", "loop.closed", "loop.overdue"]
TREND_MONTHS = 6


def records_url(measure_id: str, nodes, period: Period, param: str = "") -> str:
    """The click-through of a figure of one node (or the sum over several)."""
    many = nodes if isinstance(nodes, list | tuple) else [nodes]
    query = [("node", n.pk) for n in many] + [("period", period.key)]
    if param:
        query.append(("param", param))
    return reverse("measures:records", args=[measure_id]) + "?" + urlencode(query)


def home_nodes(viewer, pk: int | None = None) -> list[OrgNode]:
    """The nodes the cockpit shows: the one asked for (in scope); else the viewer's own node
    when it heads their scope; else every highest node they see (a stationed group: its own
    node and the units it supervises), the figures summed."""
    from oversight.orgs.selectors import node_get

    if pk is not None:
        return [node_get(viewer=viewer, pk=pk)]
    roots = list(node_roots(viewer=viewer))
    own = next((r for r in roots if r.pk == viewer.org_node_id), None)
    if own is not None and len(roots) == 1:
        return [own]
    return roots


def home_node(viewer, pk: int | None = None) -> OrgNode | None:
    """The first of ``home_nodes`` (for pages that show one node)."""
    nodes = home_nodes(viewer, pk)
    return nodes[0] if nodes else None


def tiles_for(node: OrgNode) -> list[str]:
    """The tiles of ``node``'s cockpit: those chosen by the commission of the nearest
    jurisdiction above it (a commission is a child of the node it oversees), else the default."""
    from .models import Tile

    ancestors = [*node.ancestor_ids, node.pk]
    chosen = {}
    for commission_parent, measure in (
        Tile.objects.filter(commission__parent_id__in=ancestors)
        .order_by("order", "id")
        .values_list("commission__parent_id", "measure")
    ):
        chosen.setdefault(commission_parent, []).append(measure)
    for node_id in reversed(ancestors):
        if node_id in chosen:
            return chosen[node_id]
    return list(TILES)


def map_layer_for(*, viewer, node: OrgNode):
    """The node's uploaded map and the areas of it the viewer may see."""
    from oversight.orgs.selectors import node_list

    from .models import MapLayer

    layer = MapLayer.objects.filter(node=node).first()
    if layer is None:
        return None, []
    wanted = {f["properties"].get("node") for f in layer.geojson["features"]}
    return layer, list(node_list(viewer=viewer).filter(pk__in=wanted))


def map_for(*, layer, areas, measure, figs, period: Period, visible: dict) -> dict | None:
    """The map coloured by one measure, each area with its records' URL."""
    if layer is None or measure is None:
        return None
    by_id = {a.pk: a for a in areas}
    data = []
    for feature in layer.geojson["features"]:
        area = by_id.get(feature["properties"].get("node"))
        if area is None:
            continue
        data.append(
            {
                "name": feature["properties"].get("name") or area.name,
                "value": figs[measure.id][area.pk].value,
                "url": records_url(measure.id, area, period),
            }
        )
    return {
        "name": f"area-{layer.node_id}",
        "geojson": layer.geojson,
        "measure": measure.id,
        "label": str(measure.label),
        "higher_is_better": measure.higher_is_better,
        "data": data,
        "choices": [(m.id, str(m.label)) for m in visible.values() if m.source.node],
    }


def _value(fig):
    return fig.value if fig.value is not None else None


ALL_PARTS = frozenset({"units", "breakdowns", "trend", "map"})


def screen(
    *,
    viewer,
    tops: list[OrgNode],
    period: Period,
    map_measure: str = "loop.overdue",
    parts: frozenset[str] = ALL_PARTS,
) -> dict:
    """Everything the cockpit draws for the ``tops`` nodes (one, or several whose figures are
    summed: a stationed group's units) and ``period`` in ``viewer``'s scope; a view of it (the
    home page) asks for fewer ``parts`` than the whole screen (tiles always).

    The figures of the period for the nodes, their children and the map's areas come from one
    grouped query per source (totals and the split by dimension together); the trend's earlier
    months are read from their snapshots when kept."""
    node = tops[0]
    single = len(tops) == 1
    top_ids = [t.pk for t in tops]
    visible = {m.id: m for m in selectors.measures_for(viewer)}
    tiles_m = [visible[i] for i in tiles_for(node) if i in visible]
    children = []
    if "units" in parts:
        children = list(node_children(viewer=viewer, node=node)) if single else list(tops)
    columns = [visible[i] for i in UNIT_COLUMNS if i in visible] if children else []
    split_m = [visible[i] for i in BREAKDOWNS if i in visible] if "breakdowns" in parts else []
    trend_m = [visible[i] for i in TRENDS if i in visible] if "trend" in parts else []
    layer, areas = (None, [])
    if "map" in parts and single:
        layer, areas = map_layer_for(viewer=viewer, node=node)
    map_m = visible.get(map_measure) if layer is not None else None
    if map_m is not None and not map_m.source.node:
        map_m = None
    nodes = list({n.pk: n for n in [*tops, *children, *areas]}.values())
    needed = [*tiles_m, *columns, *split_m, *trend_m, *([map_m] if map_m else [])]
    needed = list({m.id: m for m in needed}.values())
    memo: dict = {}
    figs, split = selectors.figures_and_split(
        viewer=viewer, measures=needed, nodes=nodes, period=period, memo=memo
    )
    tiles = []
    for m in tiles_m:
        fig = selectors.summed(figs[m.id], top_ids, m)
        tiles.append(
            {
                "id": m.id,
                "label": str(m.label),
                "value": _value(fig),
                "unit": "" if m.kind == COUNT else m.unit_label,
                "url": records_url(m.id, tops, period),
                "bad": m.higher_is_better is False and bool(fig.value),
            }
        )
    units = []
    for child in children:
        units.append(
            {
                "name": child.name,
                "drill": f"{reverse('cockpit:screen')}?node={child.pk}&period={period.key}",
                "cells": [
                    {
                        "value": _value(figs[m.id][child.pk]),
                        "url": records_url(m.id, child, period),
                    }
                    for m in columns
                ],
                "rate": figs["loop.on_time_rate"][child.pk].value
                if "loop.on_time_rate" in figs
                else None,
            }
        )
    ranking = sorted(
        (u for u in units if u["rate"] is not None), key=lambda u: (-u["rate"], u["name"])
    )
    breakdowns = []
    for m in split_m:
        labels = dict(m.source.dimension.choices()) if m.source.dimension else {}
        by_param: dict = {}
        for (n, param), fig in split[m.id].items():
            if param and n in top_ids:
                by_param.setdefault(param, {})[n] = fig
        shares = sorted(
            ((param, selectors.summed(f, top_ids, m)) for param, f in by_param.items()),
            key=lambda pf: -pf[1].count,
        )
        breakdowns.append(
            {
                "id": m.id,
                "label": str(m.label),
                "by": str(m.source.dimension.label) if m.source.dimension else "",
                "items": [
                    {
                        "name": str(labels.get(param, param)),
                        "value": fig.value,
                        "url": records_url(m.id, tops, period, str(param)),
                    }
                    for param, fig in shares
                ],
            }
        )
    return {
        "node": {"id": node.pk if single else None, "name": "、".join(t.name for t in tops)},
        "period": period.key,
        "tiles": tiles,
        "columns": [str(m.label) for m in columns],
        "units": units,
        "ranking": [{"name": u["name"], "value": u["rate"], "url": u["drill"]} for u in ranking],
        "breakdowns": breakdowns,
        "trend": trend(
            viewer=viewer, tops=tops, period=period, measures=trend_m, known=figs, memo=memo
        )
        if "trend" in parts
        else None,
        "map": map_for(
            layer=layer, areas=areas, measure=map_m, figs=figs, period=period, visible=visible
        ),
    }


def trend(
    *, viewer, tops: list[OrgNode], period: Period, measures: list, known: dict, memo=None
) -> dict:
    """The last months' figures of the trend measures, each point with its records; ``known``
    are the figures of ``period`` itself when it is one of those months."""
    months = [Period.containing(period.end)]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    top_ids = [t.pk for t in tops]
    series = {m.id: {"label": str(m.label), "points": []} for m in measures}
    memo = {} if memo is None else memo
    # The earlier months are closed: their kept figures are read in one go.
    selectors.prefetch_kept(
        measures=measures, nodes=tops, periods=[m for m in months if m != period], memo=memo
    )
    for month in months:
        if month == period:
            figs = known
        else:
            figs = selectors.figures(
                viewer=viewer, measures=measures, nodes=tops, period=month, memo=memo
            )
        for m in measures:
            fig = selectors.summed(figs[m.id], top_ids, m)
            series[m.id]["points"].append(
                {"value": fig.value, "url": records_url(m.id, tops, month)}
            )
    return {"months": [p.key for p in months], "series": list(series.values())}
