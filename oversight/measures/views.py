"""The catalogue of measures and the click-through list behind any figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from oversight.core.paging import paginate
from oversight.orgs.access import has_perm, require_perm
from oversight.orgs.selectors import node_get, node_roots

from . import registry, selectors
from .registry import Period


def parse_period(raw: str | None) -> tuple[Period, str]:
    """The period asked for (the current month when none), and a message when it was bad."""
    current = Period.containing(selectors.today())
    if not raw:
        return current, ""
    try:
        return Period.parse(raw), ""
    except ValueError as exc:
        return current, _("Period: %(error)s. The current month is shown.") % {"error": exc}


@require_perm("measures:catalogue:view")
def catalogue(request):
    """Every measure with its definition, source and current value for the viewer's scope."""
    viewer = request.user
    period, error = parse_period(request.GET.get("period"))
    roots = list(node_roots(viewer=viewer))
    node = roots[0] if roots else None
    visible = selectors.measures_for(viewer)
    values = {}
    if node is not None:
        values = selectors.figures(viewer=viewer, measures=visible, nodes=[node], period=period)
    rows = []
    for measure in registry.all_measures():
        fig = values.get(measure.id, {}).get(node.pk) if node else None
        rows.append({"measure": measure, "figure": fig, "query": _query(node, period, "")})
    context = {"rows": rows, "node": node, "period": period, "error": error}
    return render(request, "measures/catalogue.html", context)


def _query(node, period, param) -> str:
    query = {"period": period.key}
    if node is not None:
        query["node"] = node.pk
    if param:
        query["param"] = param
    return urlencode(query)


@login_required
def measure_records(request, measure_id: str):
    """The records behind one figure: the measure, a node, a period and a dimension value."""
    viewer = request.user
    measure = registry.MEASURES.get(measure_id)
    if measure is None:
        raise Http404
    if not has_perm(viewer, measure.perm):
        raise PermissionDenied(measure.perm)
    period, error = parse_period(request.GET.get("period"))
    node = None
    raw_nodes = request.GET.getlist("node")[:50]
    if any(not raw.isdigit() for raw in raw_nodes):
        raise Http404
    nodes = [node_get(viewer=viewer, pk=int(raw)) for raw in raw_nodes]  # 404 outside scope
    if len(nodes) == 1:
        node = nodes[0]
    elif not nodes and measure.source.node:
        roots = list(node_roots(viewer=viewer))
        node = roots[0] if len(roots) == 1 else None
    param = request.GET.get("param", "")[:64]
    param_label = ""
    if param and measure.source.dimension:
        param_label = dict(measure.source.dimension.choices()).get(param, param)
    qs = selectors.records(
        viewer=viewer, measure=measure, node=node, nodes=nodes, period=period, param=param
    )
    figure = None
    if nodes or node is not None:
        figs = selectors.figures(
            viewer=viewer, measures=[measure], nodes=nodes or [node], period=period, param=param
        )[measure.id]
        figure = selectors.summed(figs, [n.pk for n in nodes or [node]], measure)
    win = selectors.window(period)
    page = paginate(request, qs)
    page.object_list = [
        {"label": measure.source.record_label(r), "url": measure.source.record_url(r)}
        for r in page.object_list
    ]
    module_url = measure.list_url(node, win, param) if measure.list_url and node else ""
    query = _query(node, period, param)
    if len(nodes) > 1:
        query = urlencode([("node", n.pk) for n in nodes] + [("period", period.key)])
        if param:
            query += "&" + urlencode({"param": param})
    context = {
        "measure": measure,
        "node": node,
        "nodes": nodes,
        "period": period,
        "window": win,
        "param": param,
        "param_label": param_label,
        "figure": figure,
        "page": page,
        "total": qs.count(),
        "query": query,
        "module_url": module_url,
        "error": error,
    }
    return render(request, "measures/records.html", context)
