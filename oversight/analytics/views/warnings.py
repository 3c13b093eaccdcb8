"""Warnings: filter and export them, read one with its evidence side by side and how it
matched, dismiss it with a reason or turn it into a clue; and the clue's own page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or, export_response
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


def _masked(value: str) -> str:
    return value[:6] + "********" + value[-4:] if len(value) == 18 else value


def _columns() -> list[Column]:
    names = {e.id: e.name for e in bridge.library()}
    return [
        Column("number", _("number"), lambda w: w.pk, sort="pk"),
        Column("model", _("model"), lambda w: names.get(w.model_id, w.model_id), sort="model_id"),
        Column("severity", _("severity"), lambda w: w.get_severity_display(), sort="severity"),
        Column("subject", _("subject"), lambda w: w.subject_name, sort="subject_name"),
        Column("subject_id", _("subject ID"), lambda w: _masked(w.subject_id)),
        Column("unit_name", _("unit named in the data"), lambda w: w.unit_name),
        Column("unit", _("unit"), lambda w: w.unit.name if w.unit else "", sort="unit__name"),
        Column("area", _("area"), lambda w: w.area, sort="area"),
        Column("amount", _("amount"), lambda w: w.amount, sort="amount"),
        Column("period", _("period"), lambda w: w.period),
        Column("reason", _("reason"), lambda w: w.reason),
        Column("match", _("how it matched"), lambda w: w.match_method),
        Column("status", _("handling status"), lambda w: w.get_status_display(), sort="status"),
        Column("dismissal", _("why it is a false positive"), lambda w: w.dismissal_reason),
        Column("first_seen", _("first raised"), lambda w: w.first_seen.date(), sort="first_seen"),
    ]


@require_perm(VIEW)
def warning_list(request):
    form, filters = _filters(request)
    warnings = selectors.warning_list(viewer=request.user, filters=filters)
    names = {e.id: e.name for e in bridge.library()}

    def show(page):
        for warning in page:
            warning.model_name = names.get(warning.model_id, warning.model_id)
        context = {"page": page, "form": form, "bulk": has_perm(request.user, DISPOSE)}
        return render(request, "analytics/warning_list.html", context)

    return export_or(
        request, warnings, columns=_columns(), filename="warnings.xlsx", title=_("Warnings"),
        export_perm="analytics:warning:export", render=show,
    )  # fmt: skip


@require_perm("analytics:warning:export")
def warning_export(request):
    _form, filters = _filters(request)
    warnings = selectors.warning_list(viewer=request.user, filters=filters)
    return export_response(
        request, warnings, columns=_columns(), filename="warnings.xlsx", title=_("Warnings")
    )


def _detail_context(request, warning, **forms) -> dict:
    entry = bridge.library_entry(warning.model_id)
    services.evidence_viewed(warning=warning, actor=request.user)
    return {
        "warning": warning,
        "entry": entry,
        "evidence": selectors.evidence_tables(warning=warning),
        "can_open_imports": has_perm(request.user, "analytics:source:edit"),
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
        "can_open_imports": has_perm(request.user, "analytics:source:edit"),
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
def warnings_dismiss(request):
    """Dismiss the warnings chosen on the list with one reason (all or none)."""
    ids = [int(v) for v in request.POST.getlist("warnings") if v.isdigit() and len(v) <= 18]
    chosen = list(selectors.warning_list(viewer=request.user).filter(pk__in=ids))
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("analytics:warning_list")
    if len(chosen) != len(set(ids)):
        raise Http404  # a warning outside the viewer's scope, as its own page answers
    try:
        count = services.warnings_dismiss(
            warnings=chosen, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d warning was dismissed as a false positive.",
            "%(count)d warnings were dismissed as false positives.",
            count,
        )
        % {"count": count},
    )
    return redirect(back)


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
