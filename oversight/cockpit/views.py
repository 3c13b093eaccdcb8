"""The cockpit: one screen of the viewer's scope; a phone layout and a large-screen mode that
refreshes its figures from ``data.json`` without reloading."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render

from oversight.measures.views import parse_period
from oversight.orgs.access import require_perm

from . import selectors


def _scope(request):
    raw = request.GET.get("node")
    if raw is not None and not raw.isdigit():
        raise Http404
    node = selectors.home_node(request.user, int(raw) if raw else None)
    period, error = parse_period(request.GET.get("period"))
    return node, period, error


@require_perm("cockpit:screen:view")
def screen(request):
    node, period, error = _scope(request)
    data = selectors.screen(viewer=request.user, node=node, period=period) if node else None
    context = {
        "data": data,
        "node": node,
        "period": period,
        "error": error,
        "big": request.GET.get("mode") == "big",
    }
    return render(request, "cockpit/screen.html", context)


@require_perm("cockpit:screen:view")
def screen_data(request):
    node, period, _error = _scope(request)
    if node is None:
        raise Http404
    return JsonResponse(selectors.screen(viewer=request.user, node=node, period=period))
