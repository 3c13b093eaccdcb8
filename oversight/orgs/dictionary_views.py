"""The pages of dictionaries (字典) under system administration: the list, a type, an item."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render

from oversight.core import selectors as core_selectors
from oversight.core.access import require_perm
from oversight.core.forms import DictItemForm, DictTypeForm
from oversight.core.forms_flow import call_service, render_form
from oversight.core.models import DictItem, DictType

from . import dictionaries


@require_perm("core:dict:view")
def dict_list(request):
    search = request.GET.get("q", "").strip()
    types = core_selectors.dict_type_list(search=search).prefetch_related("items")
    return render(request, "orgs/dict_list.html", {"types": types, "q": search})


@require_perm("core:dict:edit")
def dict_type_edit(request, pk: int | None = None):
    dict_type = get_object_or_404(DictType, pk=pk) if pk else None
    initial = {f: getattr(dict_type, f) for f in DictTypeForm.base_fields} if dict_type else None
    form = DictTypeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            dictionaries.dict_type_save,
            actor=request.user,
            dict_type=dict_type,
            **form.cleaned_data,
        )
        if saved:
            request.operation_target = saved
            return redirect("dicts:dict_list")
    return render_form(
        request, "orgs/dict_type_form.html", {"form": form, "dict_type": dict_type}, form
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
            dictionaries.dict_item_save,
            actor=request.user,
            item=item,
            dict_type=dict_type,
            **form.cleaned_data,
        )
        if saved:
            request.operation_target = saved
            return redirect("dicts:dict_list")
    return render_form(
        request,
        "orgs/dict_item_form.html",
        {"form": form, "dict_type": dict_type, "item": item},
        form,
    )
