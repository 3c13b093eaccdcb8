"""The cockpit: one screen of the viewer's scope; a phone layout and a large-screen mode that
refreshes its figures from ``data.json`` without reloading. Administrators choose a
commission's tiles and upload maps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oversight.core.forms_flow import call_service, render_form
from oversight.measures import registry
from oversight.measures.views import parse_period
from oversight.orgs.access import require_perm
from oversight.orgs.models import OrgNode
from oversight.orgs.selectors import node_get, node_list

from . import selectors, services
from .forms import MapForm, TilesForm
from .models import MapLayer, Tile


def _scope(request):
    raw = request.GET.get("node")
    if raw is not None and not raw.isdigit():
        raise Http404
    tops = selectors.home_nodes(request.user, int(raw) if raw else None)
    period, error = parse_period(request.GET.get("period"))
    return tops, period, error


def _screen(request, tops, period):
    map_measure = request.GET.get("map") or "loop.overdue"
    return selectors.screen(viewer=request.user, tops=tops, period=period, map_measure=map_measure)


@require_perm("cockpit:screen:view")
def screen(request):
    tops, period, error = _scope(request)
    node = tops[0] if len(tops) == 1 else None
    data = _screen(request, tops, period) if tops else None
    context = {
        "data": data,
        "node": node,
        "period": period,
        "error": error,
        "big": request.GET.get("mode") == "big",
        "map_measure": request.GET.get("map") or "loop.overdue",
    }
    return render(request, "cockpit/screen.html", context)


@require_perm("cockpit:screen:view")
def screen_data(request):
    tops, period, _error = _scope(request)
    if not tops:
        raise Http404
    return JsonResponse(_screen(request, tops, period))


@require_perm("cockpit:tiles:edit")
def tiles(request):
    commissions = list(node_list(viewer=request.user).filter(type=OrgNode.Type.COMMISSION))
    chosen = request.GET.get("commission") or request.POST.get("commission")
    current = next((c for c in commissions if str(c.pk) == chosen), None) or (
        commissions[0] if commissions else None
    )
    existing = []
    if current is not None:
        existing = list(
            Tile.objects.filter(commission=current).values_list("measure", flat=True)
        ) or list(selectors.TILES)
    form = TilesForm(
        request.POST or None,
        commissions=commissions,
        initial={"commission": current.pk if current else None, "measures": "\n".join(existing)},
    )
    if request.method == "POST" and form.is_valid():
        commission = node_get(viewer=request.user, pk=form.cleaned_data["commission"])
        if (
            call_service(
                form,
                services.tiles_save,
                commission=commission,
                measures=form.cleaned_data["measures"],
                actor=request.user,
            )
            is not None
        ):
            request.operation_target = commission
            messages.success(request, _("The tiles were saved."))
            return redirect(f"{request.path}?commission={commission.pk}")
    context = {"form": form, "measures": registry.all_measures(), "current": current}
    return render_form(request, "cockpit/tiles.html", context, form)


@require_perm("cockpit:map:upload")
def map_upload(request):
    nodes = list(node_list(viewer=request.user).exclude(type=OrgNode.Type.VILLAGE))
    form = MapForm(request.POST or None, request.FILES or None, nodes=nodes)
    if request.method == "POST" and form.is_valid():
        node = node_get(viewer=request.user, pk=form.cleaned_data["node"])
        if call_service(
            form, services.map_upload, node=node, content=form.cleaned_data["file"],
            actor=request.user,
        ) is not None:  # fmt: skip
            request.operation_target = node
            messages.success(request, _("The map was kept."))
            return redirect("cockpit:map")
    layers = MapLayer.objects.filter(node__in=nodes).select_related("node", "uploaded_by")
    return render_form(request, "cockpit/map.html", {"form": form, "layers": layers}, form)
