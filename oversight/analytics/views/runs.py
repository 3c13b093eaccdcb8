"""Runs of the models: start one, watch its progress, see the time and counts of each model,
cancel it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from oversight.core.paging import paginate
from oversight.orgs.access import has_perm, require_perm

from .. import bridge, selectors, services
from ..forms import RunStartForm
from ..models import kind_choices
from ._common import attempt

RUN = "analytics:run:start"
MODEL_STATUS = {
    "ok": gettext_lazy("ran"),
    "skipped": gettext_lazy("not run: data missing"),
    "invalid": gettext_lazy("skipped: invalid"),
    "uncovered": gettext_lazy("not run: no complete register"),
    "failed": gettext_lazy("stopped by an error"),
    "cancelled": gettext_lazy("cancelled"),
    "unchanged": gettext_lazy("not run: its data did not change"),
    "pending": gettext_lazy("not run"),
}


@require_perm(RUN)
def run_list(request):
    enabled = [e for e in bridge.library() if e.enabled and not e.problem]
    context = {
        "form": RunStartForm(),
        "page": paginate(request, selectors.run_list(), per_page=20),
        "active": selectors.active_run(),
        "enabled": enabled,
        "kinds": sorted(bridge.workspace().available_kinds()),
    }
    return render(request, "analytics/run_list.html", context)


@require_POST
@require_perm(RUN)
def run_start(request):
    form = RunStartForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("analytics:run_list")
    as_of = form.cleaned_data["as_of"]
    run = attempt(request, services.run_start, actor=request.user, as_of=as_of)
    if run is None:
        return redirect("analytics:run_list")
    request.operation_target = run
    return redirect("analytics:run_detail", pk=run.pk)


def _kind_name(kind: str) -> str:
    return dict(kind_choices()).get(kind, kind)


def _needs(m: dict) -> str:
    """What a model that did not run needs, and what to upload (in the page's language)."""
    if m["status"] == "uncovered" and m.get("absence"):
        kinds = "、".join(_kind_name(k) for k in m["absence"])
        return _(
            "Not run: it concludes from absence, so it needs %(kinds)s stated as the complete "
            "registry of the areas and months compared. State it on the mapping screen when "
            "uploading."
        ) % {"kinds": kinds}
    if m["status"] != "skipped" or not m.get("needs"):
        return ""
    kinds = "、".join(_kind_name(k) for k in m["needs"])
    return _("Not run: needs %(kinds)s. Upload a file of this kind under Data sources.") % {
        "kinds": kinds
    }


def _scope(m: dict) -> str:
    """What a model of a run of changes compared, in words."""
    if m.get("scope") == "changed":
        return _("Compared for the %(n)d subjects the new and changed rows name, against all "
                 "the other data.") % {"n": m.get("affected", 0)}  # fmt: skip
    return ""


def _outside(m: dict) -> str:
    """What a model reasoning from absence left uncompared, and why (so nobody reads the
    silence of uncovered areas as “nothing found”)."""
    if m.get("status") != "ok" or not m.get("outside"):
        return ""
    return _(
        "Not compared: %(n)d rows in areas or months that no complete registry covers "
        "(%(areas)s). Upload the complete registry of those areas to compare them."
    ) % {"n": m["outside"], "areas": "、".join(m.get("outside_areas") or ())}


def _context(run) -> dict:
    names = {e.id: e.name for e in bridge.library()}
    stats = [
        {**m, "name": names.get(m["model_id"], m["model_id"]),
         "status_label": MODEL_STATUS.get(m["status"], m["status"]),
         "needs_text": _needs(m), "scope_text": _scope(m), "outside_text": _outside(m),
         "inputs": [{**i, "kind_name": _kind_name(i["kind"])} for i in m.get("inputs", [])]}
        for m in run.model_stats
    ]  # fmt: skip
    current = names.get(run.current_model, run.current_model)
    return {"run": run, "stats": stats, "current_name": current}


@require_perm(RUN)
def run_detail(request, pk: int):
    run = selectors.run_get(pk=pk)
    context = {**_context(run), "can_open_imports": has_perm(request.user, "analytics:source:edit")}
    return render(request, "analytics/run_detail.html", context)


@require_perm(RUN)
def run_status(request, pk: int):
    """The progress fragment a run page polls; once the run is over, the page reloads."""
    run = selectors.run_get(pk=pk)
    response = render(request, "analytics/_run_status.html", _context(run))
    if not run.is_active:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@require_perm(RUN)
def run_cancel(request, pk: int):
    run = selectors.run_get(pk=pk)
    if attempt(request, services.run_cancel, run=run, actor=request.user):
        request.operation_target = run
        messages.success(request, _("The run is being stopped."))
    return redirect("analytics:run_detail", pk=pk)
