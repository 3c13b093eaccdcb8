"""Staff pages of the small-power list: categories, items, Excel export and import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service, render_form
from oversight.orgs.access import require_perm

from .. import excel_io, services
from ..forms import (
    CategoryForm,
    ImportForm,
    PowerItemForm,
)
from ..models import PowerCategory, PowerItem


@require_perm("public:list:manage")
def power_list(request):
    return render(
        request,
        "public/staff/power_list.html",
        {
            "categories": PowerCategory.objects.select_related("parent").order_by("sort", "code"),
            "items": PowerItem.objects.select_related("category", "responsible_node").order_by(
                "category__sort", "category__code", "sort", "code"
            ),
            "import_form": ImportForm(),
        },
    )


@require_perm("public:list:manage")
def category_edit(request, pk: int | None = None):
    category = get_object_or_404(PowerCategory, pk=pk) if pk else None
    initial = (
        {
            "code": category.code,
            "name": category.name,
            "parent": category.parent,
            "sort": category.sort,
            "published": category.published,
        }
        if category
        else None
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.category_save, category=category, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Saved."))
            return redirect("public_staff:power_list")
    return render_form(
        request, "public/staff/simple_form.html", {"form": form, "title": _("Category")}, form
    )


@require_perm("public:list:manage")
def item_edit(request, pk: int | None = None):
    item = get_object_or_404(PowerItem, pk=pk) if pk else None
    fields = [
        "category",
        "code",
        "name",
        "description",
        "basis",
        "source",
        "responsible_node",
        "limit_days",
        "limit_working",
        "published",
        "sort",
    ]
    form = PowerItemForm(
        request.POST or None, initial={f: getattr(item, f) for f in fields} if item else None
    )
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, services.power_item_save, item=item, actor=request.user, **form.cleaned_data
        ):
            messages.success(request, _("Saved."))
            return redirect("public_staff:power_list")
    return render_form(
        request,
        "public/staff/simple_form.html",
        {"form": form, "title": _("Small-power item")},
        form,
    )


@require_perm("public:list:manage")
def power_list_export(request):
    return xlsx_response(
        filename="small-power-list.xlsx",
        title=_("Small-power list"),
        headers=excel_io.headers(),
        rows=excel_io.export_rows(),
    )


@require_POST
@require_perm("public:list:manage")
def power_list_import(request):
    form = ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    report = None
    if form.is_valid():
        try:
            rows = excel_io.read_workbook(form.cleaned_data["file"])
            report = services.power_list_import(rows=rows, actor=request.user)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
    else:
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    return render(
        request,
        "public/staff/import_result.html",
        {"errors": errors, "report": report},
        status=400 if errors else 200,
    )
