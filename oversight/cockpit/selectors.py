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
UNIT_COLUMNS = ["loop.open", "loop.overdue", "loop.closed", "loop.on_time_rate"]
BREAKDOWNS = ["loop.open", "loop.overdue", "public.complaints", "analytics.warnings"]
TRENDS = ["loop.opened", "loop.closed", "loop.overdue"]
TREND_MONTHS = 6


def records_url(measure_id: str, node: OrgNode, period: Period, param: str = "") -> str:
    query = {"node": node.pk, "period": period.key}
    if param:
        query["param"] = param
    return reverse("measures:records", args=[measure_id]) + "?" + urlencode(query)


def home_node(viewer, pk: int | None = None) -> OrgNode | None:
    """The node the cockpit shows: the one asked for (in scope), else the viewer's highest."""
    from oversight.orgs.selectors import node_get

    if pk is not None:
        return node_get(viewer=viewer, pk=pk)
    roots = list(node_roots(viewer=viewer))
    if not roots:
        return None
    own = next((r for r in roots if r.pk == viewer.org_node_id), None)
    return own or roots[0]


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


def map_for(
    *, viewer, node: OrgNode, period: Period, measure_id: str, visible: dict
) -> dict | None:
    """The node's uploaded map coloured by one measure, each area with its records' URL."""
    from oversight.orgs.selectors import node_list

    from .models import MapLayer

    layer = MapLayer.objects.filter(node=node).first()
    measure = visible.get(measure_id)
    if layer is None or measure is None:
        return None
    wanted = {f["properties"].get("node") for f in layer.geojson["features"]}
    areas = list(node_list(viewer=viewer).filter(pk__in=wanted))
    figs = selectors.figures(viewer=viewer, measures=[measure], nodes=areas, period=period)
    by_id = {a.pk: a for a in areas}
    data = []
    for feature in layer.geojson["features"]:
        area = by_id.get(feature["properties"].get("node"))
        if area is None:
            continue
        fig = figs[measure.id][area.pk]
        data.append(
            {
                "name": feature["properties"].get("name") or area.name,
                "value": fig.value,
                "url": records_url(measure.id, area, period),
            }
        )
    return {
        "name": f"area-{node.pk}",
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
    node: OrgNode,
    period: Period,
    map_measure: str = "loop.overdue",
    parts: frozenset[str] = ALL_PARTS,
) -> dict:
    """Everything the cockpit draws for ``node`` and ``period`` in ``viewer``'s scope; a view
    of it (the home page) asks for fewer ``parts`` than the whole screen (tiles always)."""
    visible = {m.id: m for m in selectors.measures_for(viewer)}
    tiles_m = [visible[i] for i in tiles_for(node) if i in visible]
    children = list(node_children(viewer=viewer, node=node)) if "units" in parts else []
    columns = [visible[i] for i in UNIT_COLUMNS if i in visible]
    figs = selectors.figures(
        viewer=viewer,
        measures=list({m.id: m for m in [*tiles_m, *columns]}.values()),
        nodes=[node, *children],
        period=period,
    )
    tiles = [
        {
            "id": m.id,
            "label": str(m.label),
            "value": _value(figs[m.id][node.pk]),
            "unit": "" if m.kind == COUNT else m.unit_label,
            "url": records_url(m.id, node, period),
            "bad": m.higher_is_better is False and bool(figs[m.id][node.pk].value),
        }
        for m in tiles_m
    ]
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
    split_m = [visible[i] for i in BREAKDOWNS if i in visible] if "breakdowns" in parts else []
    split = (
        selectors.figures(viewer=viewer, measures=split_m, nodes=[node], period=period, split=True)
        if split_m
        else {}
    )
    breakdowns = []
    for m in split_m:
        labels = dict(m.source.dimension.choices()) if m.source.dimension else {}
        shares = sorted(
            ((param, fig) for (n, param), fig in split[m.id].items() if param),
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
                        "url": records_url(m.id, node, period, str(param)),
                    }
                    for param, fig in shares
                ],
            }
        )
    return {
        "node": {"id": node.pk, "name": node.name},
        "period": period.key,
        "tiles": tiles,
        "columns": [str(m.label) for m in columns],
        "units": units,
        "ranking": [{"name": u["name"], "value": u["rate"], "url": u["drill"]} for u in ranking],
        "breakdowns": breakdowns,
        "trend": trend(viewer=viewer, node=node, period=period, visible=visible)
        if "trend" in parts
        else None,
        "map": map_for(
            viewer=viewer, node=node, period=period, measure_id=map_measure, visible=visible
        )
        if "map" in parts
        else None,
    }


def trend(*, viewer, node: OrgNode, period: Period, visible: dict) -> dict:
    """The last months' figures of the trend measures, each point with its records."""
    months = [Period.containing(period.end)]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    measures = [visible[i] for i in TRENDS if i in visible]
    series = {m.id: {"label": str(m.label), "points": []} for m in measures}
    for month in months:
        figs = selectors.figures(viewer=viewer, measures=measures, nodes=[node], period=month)
        for m in measures:
            series[m.id]["points"].append(
                {"value": figs[m.id][node.pk].value, "url": records_url(m.id, node, month)}
            )
    return {"months": [p.key for p in months], "series": list(series.values())}
