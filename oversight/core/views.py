"""The frame's own pages: home, health, dictionaries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from oversight.orgs import selectors as org_selectors
from oversight.orgs.access import require_perm

from . import selectors, services
from .forms import DictItemForm, DictTypeForm
from .forms_flow import call_service, render_form
from .models import DictItem, DictType


@login_required
def home(request):
    from oversight.loop import selectors as loop_selectors
    from oversight.loop.models import WorkItem
    from oversight.orgs.access import has_perm

    viewer = request.user
    todo = loop_selectors.my_work(viewer=viewer, tab="todo")
    figures = {
        "todo": todo.count(),
        "todo_red": loop_selectors.my_overdue_count(viewer=viewer),
        "nodes": org_selectors.node_list(viewer=viewer).count(),
        "people": org_selectors.person_list(viewer=viewer).count(),
    }
    if has_perm(viewer, "loop:item:view"):
        visible = loop_selectors.item_list(viewer=viewer).filter(closed_at__isnull=True)
        figures["open"] = visible.count()
        figures["red"] = visible.filter(light=WorkItem.Light.RED).count()
    context = {"figures": figures, "urgent": todo[:8], "calendar_gap": None, "cockpit": None}
    if has_perm(viewer, "cockpit:screen:view"):
        # The leader's home is a view of the cockpit: its tiles and trend for the viewer's scope.
        from oversight.cockpit import selectors as cockpit
        from oversight.measures.registry import Period
        from oversight.measures.selectors import today as measures_today

        tops = cockpit.home_nodes(viewer)
        if tops:
            context["cockpit"] = cockpit.screen(
                viewer=viewer,
                tops=tops,
                period=Period.containing(measures_today()),
                parts=frozenset({"trend"}),
            )
    if has_perm(viewer, "loop:calendar:edit"):
        from oversight.loop.timing import today
        from oversight.schedules.selectors import calendar_gap

        context["calendar_gap"] = calendar_gap(on=today())
    return render(request, "core/home.html", context)


@login_required
def search(request):
    """One search over what the viewer may open (``core.search``)."""
    from .search import global_search

    query = request.GET.get("q", "").strip()[:100]
    sections = global_search(viewer=request.user, query=query)
    return render(request, "core/search.html", {"q": query, "sections": sections})


@never_cache
@require_GET
def healthz(request):
    healthy, report = selectors.health()
    return JsonResponse(report, status=200 if healthy else 503)


@require_perm("core:dict:view")
def dict_list(request):
    search = request.GET.get("q", "").strip()
    types = selectors.dict_type_list(search=search).prefetch_related("items")
    return render(request, "core/dict_list.html", {"types": types, "q": search})


@require_perm("core:dict:edit")
def dict_type_edit(request, pk: int | None = None):
    dict_type = get_object_or_404(DictType, pk=pk) if pk else None
    initial = {f: getattr(dict_type, f) for f in DictTypeForm.base_fields} if dict_type else None
    form = DictTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.dict_type_save,
            actor=request.user,
            dict_type=dict_type,
            **form.cleaned_data,
        )
        if saved:
            request.operation_target = saved
            return redirect("core:dict_list")
    return render_form(
        request, "core/dict_type_form.html", {"form": form, "dict_type": dict_type}, form
    )


@require_perm("core:dict:edit")
def dict_item_edit(request, type_pk: int, pk: int | None = None):
    dict_type = get_object_or_404(DictType, pk=type_pk)
    item = get_object_or_404(DictItem, pk=pk, dict_type=dict_type) if pk else None
    initial = {f: getattr(item, f) for f in DictItemForm.base_fields} if item else None
    form = DictItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.dict_item_save,
            actor=request.user,
            item=item,
            dict_type=dict_type,
            **form.cleaned_data,
        )
        if saved:
            request.operation_target = saved
            return redirect("core:dict_list")
    return render_form(
        request,
        "core/dict_item_form.html",
        {"form": form, "dict_type": dict_type, "item": item},
        form,
    )
