"""Staff pages of style reports and the style-evaluation table."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or
from oversight.orgs.access import require_perm

from .. import selectors, services
from ..forms import (
    PeriodForm,
    StyleCheckForm,
)

STYLE_COLUMNS = [
    Column("date", _lazy("date"), lambda r: r.created_on, sort="created_on"),
    Column("node", _lazy("window or unit"), lambda r: r.node.name, sort="node__name"),
    Column("kinds", _lazy("kinds"), lambda r: "、".join(str(k) for k in r.kind_labels)),
    Column("text", _lazy("what happened"), lambda r: r.text),
    Column("status", _lazy("status"), lambda r: r.get_status_display(), sort="status"),
    Column("note", _lazy("check note"), lambda r: r.check_note),
]


@require_perm("public:style:view")
def style_report_list(request):
    status = request.GET.get("status", "")
    reports = selectors.style_report_list(viewer=request.user, status=status)
    return export_or(
        request,
        reports,
        columns=STYLE_COLUMNS,
        filename="style-reports.xlsx",
        title=_("Style problem reports"),
        render=lambda page: render(
            request,
            "public/staff/style_report_list.html",
            {"page": page, "status": status, "form": StyleCheckForm()},
        ),
    )


@require_POST
@require_perm("public:style:check")
def style_report_check(request, pk: int):
    report = selectors.style_report_get(viewer=request.user, pk=pk)
    form = StyleCheckForm(request.POST)
    if form.is_valid() and call_service(
        form, services.style_report_check, report=report, actor=request.user, **form.cleaned_data
    ):
        request.operation_target = report
        messages.success(request, _("The finding was recorded."))
    else:
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect("public_staff:style_report_list")


def _period(request) -> tuple[PeriodForm, date, date]:
    today = date.today()
    form = PeriodForm(request.GET or None, initial={"start": date(today.year, 1, 1), "end": today})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, date(today.year, 1, 1), today


@require_perm("public:style:view")
def style_table(request):
    form, start, end = _period(request)
    rows = selectors.style_table(viewer=request.user, start=start, end=end)
    if request.GET.get("format") == "xlsx":
        headers = [
            _("unit"),
            _("ratings"),
            _("average rating"),
            _("satisfaction rate (%)"),
            _("style reports"),
            _("verified"),
            _("complaints"),
            _("dissatisfied"),
            _("responsibility established"),
            _("style score"),
        ]
        return xlsx_response(
            filename=f"style-evaluation-{start}-{end}.xlsx",
            title=_("Style evaluation"),
            headers=headers,
            rows=(
                (
                    r.node.name,
                    r.ratings,
                    r.average,
                    r.satisfaction_rate,
                    r.reports,
                    r.verified,
                    r.complaints,
                    r.dissatisfied,
                    r.responsible,
                    r.score,
                )
                for r in rows
            ),
        )
    return render(
        request,
        "public/staff/style_table.html",
        {"form": form, "rows": rows, "start": start, "end": end, "query": request.GET.urlencode()},
    )
