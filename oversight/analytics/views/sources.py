"""Data sources: register with a column mapping, upload, watch the check, read the rejected
rows, accept or discard."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import paginate
from oversight.orgs.access import require_perm

from .. import selectors, services
from ..engine import DATASET_KINDS
from ..forms import MappingForm, SourceForm, UploadForm
from ._common import attempt

EDIT = "analytics:source:edit"


@require_perm(EDIT)
def source_list(request):
    sources = selectors.source_list(viewer=request.user).prefetch_related("imports")
    return render(request, "analytics/source_list.html", {"sources": sources})


@require_perm(EDIT)
def source_form(request, pk: int | None = None):
    source = selectors.source_get(viewer=request.user, pk=pk) if pk else None
    initial = (
        {"label": source.label, "owner": source.owner_id, "mapping": source.mapping}
        if source
        else {"owner": request.user.org_node_id}
    )
    data = request.POST if request.method == "POST" else None
    form = SourceForm(data, viewer=request.user, source=source, kind=request.GET.get("kind", ""),
                      initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, services.source_save, actor=request.user, source=source,
                             **form.cleaned())  # fmt: skip
        if saved:
            request.operation_target = saved
            messages.success(request, _("The data source was saved."))
            return redirect("analytics:source_detail", pk=saved.pk)
    kind = DATASET_KINDS.get(form.kind)
    return render_form(request, "analytics/source_form.html",
                       {"form": form, "source": source, "dataset": kind}, form)  # fmt: skip


@require_perm(EDIT)
def source_detail(request, pk: int, upload_form=None):
    source = selectors.source_get(viewer=request.user, pk=pk)
    context = {
        "source": source,
        "dataset": source.dataset,
        "page": paginate(request, selectors.import_list(source=source), per_page=20),
        "upload_form": upload_form or UploadForm(),
    }
    return render(request, "analytics/source_detail.html", context,
                  status=400 if upload_form is not None else 200)  # fmt: skip


@require_POST
@require_perm(EDIT)
def source_upload(request, pk: int):
    source = selectors.source_get(viewer=request.user, pk=pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        run = call_service(form, services.import_start, source=source, actor=request.user,
                           upload=form.cleaned_data["file"], review_mapping=True)  # fmt: skip
        if run:
            request.operation_target = run
            return redirect("analytics:import_mapping", pk=run.pk)
    return source_detail(request, pk, upload_form=form)


@require_POST
@require_perm(EDIT)
def source_from_org(request, pk: int):
    source = selectors.source_get(viewer=request.user, pk=pk)
    run = attempt(request, services.import_from_platform, source=source, actor=request.user)
    if run is None:
        return redirect("analytics:source_detail", pk=pk)
    request.operation_target = run
    return redirect("analytics:import_detail", pk=run.pk)


def _import_context(request, run) -> dict:
    rejections = selectors.import_rejections(run=run)
    return {
        "run": run,
        "source": run.source,
        "page": paginate(request, rejections) if rejections is not None else None,
        "by_code": sorted(
            ((selectors.reason_text(code), code, n) for code, n in run.problems_by_code.items()),
            key=lambda r: -r[2],
        ),
        "by_column": sorted(run.problems_by_column.items(), key=lambda r: -r[1]),
    }


@require_perm(EDIT)
def import_detail(request, pk: int):
    run = selectors.import_get(viewer=request.user, pk=pk)
    if run.needs_mapping:
        return redirect("analytics:import_mapping", pk=pk)
    return render(request, "analytics/import_detail.html", _import_context(request, run))


@require_perm(EDIT)
def import_mapping(request, pk: int):
    """The mapping screen: the file's first rows with its own headers, and for each contract
    field where it comes from (suggested, or as saved for the source)."""
    run = selectors.import_get(viewer=request.user, pk=pk)
    if not run.needs_mapping:
        return redirect("analytics:import_detail", pk=pk)
    preview = selectors.import_preview(run=run)
    rules = selectors.suggested_mapping(run=run, headers=preview.headers)
    form = MappingForm(
        request.POST if request.method == "POST" else None, viewer=request.user,
        kind=run.source.dataset, headers=preview.headers, rules=rules,
        initial={"upload_unit": run.source.owner_id},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        mapped = call_service(form, services.import_map, run=run, actor=request.user,
                              mapping=form.rules(), upload_values=form.upload_values(),
                              coverage=form.coverage(), adds=form.adds())  # fmt: skip
        if mapped:
            request.operation_target = mapped
            return redirect("analytics:import_detail", pk=pk)
    context = {"run": run, "source": run.source, "preview": preview, "form": form}
    return render_form(request, "analytics/import_mapping.html", context, form)


@require_perm(EDIT)
def import_status(request, pk: int):
    """The progress fragment an import page polls; once checked, the whole page reloads."""
    run = selectors.import_get(viewer=request.user, pk=pk)
    response = render(request, "analytics/_import_status.html", {"run": run})
    if not run.is_pending:
        response["HX-Refresh"] = "true"
    return response


def _decide(request, pk: int, service, success: str) -> HttpResponse:
    run = selectors.import_get(viewer=request.user, pk=pk)
    done = attempt(request, service, run=run, actor=request.user)
    if done is not None:
        request.operation_target = done
        messages.success(request, success)
    return redirect("analytics:import_detail", pk=pk)


@require_POST
@require_perm(EDIT)
def import_accept(request, pk: int):
    return _decide(request, pk, services.import_accept,
                   _("The good rows were kept as the source's new version."))  # fmt: skip


@require_POST
@require_perm(EDIT)
def import_discard(request, pk: int):
    return _decide(request, pk, services.import_discard, _("The import was discarded."))
