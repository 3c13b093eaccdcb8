"""Pages of major-matter supervision; states, deadlines and timelines are the loop's."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or
from oversight.loop import selectors as loop_selectors
from oversight.loop.views import detail_context
from oversight.orgs.access import require_perm

from . import selectors, services
from .forms import MatterForm, TaskForm


@require_perm("matters:matter:view")
def overview(request):
    light = request.GET.get("light", "")
    context = selectors.overview(viewer=request.user, light=light)
    return render(request, "matters/overview.html", context)


MATTER_COLUMNS = [
    Column("title", _lazy("title"), lambda m: m.item.title, sort="item__title"),
    Column("category", _lazy("category"), lambda m: m.get_category_display(), sort="category"),
    Column(
        "unit",
        _lazy("lead unit"),
        lambda m: m.item.responsible_node.name,
        sort="item__responsible_node__name",
    ),
    Column(
        "deadline",
        _lazy("final deadline"),
        lambda m: m.item.final_deadline,
        sort="item__final_deadline",
    ),
    Column("progress", _lazy("progress (%)"), lambda m: m.item.progress, sort="item__progress"),
    Column("state", _lazy("state"), lambda m: m.item.state_label, sort="item__state"),
    Column("light", _lazy("light"), lambda m: m.item.get_light_display()),
]


@require_perm("matters:matter:view")
def matter_list(request):
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    matters = selectors.matter_list(viewer=request.user, search=search, status=status)
    return export_or(
        request,
        matters,
        columns=MATTER_COLUMNS,
        filename="major-matters.xlsx",
        title=_("Major matters"),
        export_perm="loop:item:export",
        render=lambda page: render(
            request,
            "matters/matter_list.html",
            {"page": page, "q": search, "status": status},
        ),
    )


@require_perm("matters:matter:register")
def matter_register(request):
    form = MatterForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        matter = call_service(
            form, services.matter_register, actor=request.user, **form.cleaned_data
        )
        if matter:
            request.operation_target = matter.item
            messages.success(request, _("The matter was registered. Now decompose it into tasks."))
            return redirect("matters:matter_detail", pk=matter.item_id)
    return render_form(request, "matters/matter_form.html", {"form": form}, form)


@require_perm("matters:matter:view")
def matter_detail(request, pk: int, task_form=None):
    matter = selectors.matter_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context.update({"matter": matter, "task_form": task_form or TaskForm(viewer=request.user)})
    return render(
        request, "matters/matter_detail.html", context, status=400 if task_form is not None else 200
    )


@require_perm("matters:matter:register")
def task_add(request, pk: int):
    matter = selectors.matter_get(viewer=request.user, pk=pk)
    form = TaskForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        task = call_service(
            form, services.task_add, actor=request.user, parent=matter.item, **form.cleaned_data
        )
        if task:
            request.operation_target = task
            messages.success(request, _("Task %(title)s was assigned.") % {"title": task.title})
            return redirect("matters:matter_detail", pk=pk)
    return matter_detail(request, pk, task_form=form)
