"""Pages of political-ecology evaluation: indicator systems (the commission's data)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import paginate
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import CopyForm, IndicatorForm, SystemForm


@require_perm("ecology:system:view")
def system_list(request, form=None):
    can_edit = has_perm(request.user, "ecology:system:edit")
    context = {
        "page": paginate(request, selectors.system_list(viewer=request.user)),
        "form": form or (SystemForm(viewer=request.user) if can_edit else None),
    }
    return (
        render_form(request, "ecology/system_list.html", context, form)
        if form
        else render(request, "ecology/system_list.html", context)
    )


@require_perm("ecology:system:edit")
@require_POST
def system_create(request):
    form = SystemForm(request.POST, viewer=request.user)
    if form.is_valid():
        system = call_service(form, services.system_create, actor=request.user, **form.cleaned_data)
        if system:
            request.operation_target = system
            messages.success(request, _("The system was created. Now add its indicators."))
            return redirect("ecology:system_detail", pk=system.pk)
    return system_list(request, form=form)


@require_perm("ecology:system:view")
def system_detail(request, pk: int, indicator_form=None, copy_form=None):
    system = selectors.system_get(viewer=request.user, pk=pk)
    context = {
        "system": system,
        "rows": selectors.flat_tree(system=system),
        "problems": selectors.weight_problems(system=system),
        "in_use": services.system_in_use(system),
        "indicator_form": indicator_form or IndicatorForm(system=system),
        "copy_form": copy_form or CopyForm(initial={"year": system.year + 1}),
    }
    failed = indicator_form is not None or copy_form is not None
    return render(request, "ecology/system_detail.html", context, status=400 if failed else 200)


@require_perm("ecology:system:edit")
@require_POST
def indicator_add(request, pk: int):
    system = selectors.system_get(viewer=request.user, pk=pk)
    request.operation_target = system
    form = IndicatorForm(request.POST, system=system)
    if form.is_valid():
        done = call_service(
            form, services.indicator_add, actor=request.user, system=system, **form.service_kwargs()
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("ecology:system_detail", pk=pk)
    return system_detail(request, pk, indicator_form=form)


@require_perm("ecology:system:edit")
@require_POST
def indicator_delete(request, pk: int):
    indicator = selectors.indicator_get(viewer=request.user, pk=pk)
    request.operation_target = indicator
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, _("The indicator and those under it were removed."))
    except services.ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("ecology:system_detail", pk=indicator.system_id)


@require_perm("ecology:system:edit")
@require_POST
def system_copy(request, pk: int):
    system = selectors.system_get(viewer=request.user, pk=pk)
    request.operation_target = system
    form = CopyForm(request.POST)
    if form.is_valid():
        copy = call_service(
            form, services.system_copy, actor=request.user, system=system, **form.cleaned_data
        )
        if copy is not None:
            messages.success(request, _("The system was copied to %(year)d.") % {"year": copy.year})
            return redirect("ecology:system_detail", pk=copy.pk)
    return system_detail(request, pk, copy_form=form)
