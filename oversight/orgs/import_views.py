"""The import pages of people and org units (Excel), with their downloadable templates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight.core.excel import read_rows, template_response

from . import imports
from .access import require_perm


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"))


KINDS = {
    "people": {
        "permission": "orgs:person:edit",
        "columns": imports.PEOPLE_COLUMNS,
        "required": ["name", "resident_id", "unit_code"],
        "service": imports.people_import,
        "title": gettext_lazy("Import people"),
        "example": ["张三", "110101199003074514", "QH-U04", "科员", "13800000000"],
        "back": "orgs:person_list",
    },
    "units": {
        "permission": "orgs:node:edit",
        "columns": imports.UNIT_COLUMNS,
        "required": ["code", "name", "type", "parent_code"],
        "service": imports.units_import,
        "title": gettext_lazy("Import org units"),
        "example": ["QH-U41", "县数据局", "unit", "QH"],
        "back": "orgs:node_tree",
    },
}


def _page(kind: str):
    spec = KINDS[kind]

    @require_perm(spec["permission"])
    def view(request):
        if request.GET.get("template"):
            return template_response(
                filename=f"{kind}-template.xlsx",
                title=str(spec["title"]),
                headers=[str(label) for _key, label in spec["columns"]],
                example=spec["example"],
            )
        form = ImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                rows = read_rows(form.cleaned_data["file"], spec["columns"], spec["required"])
            except ValueError as exc:
                errors = [str(exc)]
            else:
                report = spec["service"](rows=rows, actor=request.user)
                errors = report.errors
                if not errors:
                    messages.success(
                        request, _("%(count)d rows were imported.") % {"count": report.created}
                    )
                    return redirect(spec["back"])
        context = {"form": form, "errors": errors, "spec": spec, "kind": kind}
        return render(
            request, "orgs/import.html", context, status=400 if errors or form.errors else 200
        )

    view.__name__ = f"{kind}_import"
    return view


people_import = _page("people")
units_import = _page("units")
