"""Warnings: filter and export them, read one with its evidence side by side and how it
matched, dismiss it with a reason or turn it into a clue; and the clue's own page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service
from oversight.core.paging import paginate
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm
from oversight.orgs.selectors import node_get

from .. import bridge, selectors, services
from ..forms import ClueForm, DismissForm, WarningFilterForm
from ..workflows import WAY_LABELS, disposal_of

VIEW = "analytics:warning:view"
DISPOSE = "analytics:warning:dispose"


def _filters(request) -> tuple[WarningFilterForm, selectors.WarningFilters]:
    choices = selectors.warning_choices(viewer=request.user)
    form = WarningFilterForm(request.GET or None, choices=choices)
    if not form.is_valid():
        return form, selectors.WarningFilters()
    data = form.cleaned_data
    unit = node_get(viewer=request.user, pk=int(data["unit"])) if data.get("unit") else None
    return form, selectors.WarningFilters(
        model_id=data.get("model") or "", area=data.get("area") or "", unit=unit,
        severity=data.get("severity") or "", status=data.get("status") or "",
        search=data.get("q") or "",
    )  # fmt: skip


@require_perm(VIEW)
def warning_list(request):
    form, filters = _filters(request)
    warnings = selectors.warning_list(viewer=request.user, filters=filters)
    names = {e.id: e.name for e in bridge.library()}
    page = paginate(request, warnings)
    for warning in page:
        warning.model_name = names.get(warning.model_id, warning.model_id)
    context = {"page": page, "form": form, "query": request.GET.urlencode()}
    return render(request, "analytics/warning_list.html", context)


def _masked(value: str) -> str:
    return value[:6] + "********" + value[-4:] if len(value) == 18 else value


@require_perm("analytics:warning:export")
def warning_export(request):
    _form, filters = _filters(request)
    warnings = selectors.warning_list(viewer=request.user, filters=filters)
    names = {e.id: e.name for e in bridge.library()}
    rows = (
        (w.pk, names.get(w.model_id, w.model_id), w.get_severity_display(), w.subject_name,
         _masked(w.subject_id), w.unit_name, w.unit.name if w.unit else "", w.area, w.amount,
         w.period, w.reason, w.match_method, w.get_status_display(), w.dismissal_reason,
         w.first_seen.date())
        for w in warnings.iterator(chunk_size=1000)
    )  # fmt: skip
    headers = [_("number"), _("model"), _("severity"), _("subject"), _("subject ID"),
               _("unit named in the data"), _("unit"), _("area"), _("amount"), _("period"),
               _("reason"), _("how it matched"), _("handling status"), _("why it is a false positive"),
               _("first raised")]  # fmt: skip
    return xlsx_response(filename="warnings.xlsx", title=_("Warnings"), headers=headers, rows=rows)


def _detail_context(request, warning, **forms) -> dict:
    entry = bridge.library_entry(warning.model_id)
    services.evidence_viewed(warning=warning, actor=request.user)
    return {
        "warning": warning,
        "entry": entry,
        "evidence": selectors.evidence_tables(warning=warning),
        "match": selectors.match_explanation(warning.match_method),
        "can_dispose": has_perm(request.user, DISPOSE) and warning.status == warning.Status.NEW,
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "clue_form": forms.get("clue_form") or ClueForm(viewer=request.user),
    }


@require_perm(VIEW)
def warning_detail(request, pk: int):
    warning = selectors.warning_get(viewer=request.user, pk=pk)
    return render(request, "analytics/warning_detail.html", _detail_context(request, warning))


@require_perm(VIEW)
def warning_evidence(request, pk: int):
    warning = selectors.warning_get(viewer=request.user, pk=pk)
    services.evidence_viewed(warning=warning, actor=request.user)
    context = {
        "warning": warning,
        "evidence": selectors.evidence_tables(warning=warning),
        "match": selectors.match_explanation(warning.match_method),
    }
    return render(request, "analytics/warning_evidence.html", context)


@require_POST
@require_perm(DISPOSE)
def warning_dismiss(request, pk: int):
    warning = selectors.warning_get(viewer=request.user, pk=pk)
    form = DismissForm(request.POST)
    if form.is_valid() and call_service(
        form, services.warning_dismiss, warning=warning, actor=request.user, **form.cleaned_data
    ):
        request.operation_target = warning
        messages.success(request, _("The warning was dismissed as a false positive."))
        return redirect("analytics:warning_detail", pk=pk)
    context = _detail_context(request, warning, dismiss_form=form)
    return render(request, "analytics/warning_detail.html", context, status=400)


@require_POST
@require_perm(DISPOSE)
def warning_clue(request, pk: int):
    warning = selectors.warning_get(viewer=request.user, pk=pk)
    form = ClueForm(request.POST, viewer=request.user)
    if form.is_valid():
        item = call_service(form, services.warning_to_clue, warning=warning, actor=request.user,
                            **form.cleaned_data)  # fmt: skip
        if item:
            request.operation_target = warning
            messages.success(request, _("The warning is now a clue; propose how to dispose of it."))
            return redirect("analytics:clue_detail", pk=item.pk)
    context = _detail_context(request, warning, clue_form=form)
    return render(request, "analytics/warning_detail.html", context, status=400)


@require_perm(VIEW)
def clue_detail(request, pk: int):
    item, warning = selectors.clue_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    way = disposal_of(item.state)
    context.update({
        "warning": warning,
        "entry": bridge.library_entry(warning.model_id),
        "match": selectors.match_explanation(warning.match_method),
        "disposal": WAY_LABELS.get(way, ""),
        "warning_visible": selectors.warning_list(viewer=request.user).filter(pk=warning.pk).exists(),
    })  # fmt: skip
    return render(request, "analytics/clue_detail.html", context)
