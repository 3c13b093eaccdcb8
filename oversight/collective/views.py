"""Pages of the collectives' books; anomalies' states, deadlines, documents and timelines are
the loop's (the anomaly page extends the item page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or
from oversight.loop import selectors as loop_selectors
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import (
    AnomalyFilterForm,
    AssetFilterForm,
    AssetStepForm,
    EntryFilterForm,
    ImportForm,
    PublishForm,
    ReimbursementForm,
    ReviewFilterForm,
)

ANOMALY_COLUMNS = [
    Column("found_on", _lazy("found on"), lambda x: x.found_on, sort="found_on"),
    Column("unit", _lazy("village"), lambda x: x.node.name, sort="node__path"),
    Column("kind", _lazy("anomaly"), lambda x: x.get_kind_display(), sort="kind"),
    Column("contract", _lazy("contract"), lambda x: x.contract.number if x.contract else ""),
    Column("amount", _lazy("amount (yuan)"), lambda x: x.amount, sort="amount"),
    Column("state", _lazy("state"), lambda x: x.item.state_label, sort="item__state"),
    Column("light", _lazy("light"), lambda x: x.item.get_light_display(), sort="item__light"),
]


@require_perm("collective:view")
def anomaly_list(request):
    filters = AnomalyFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    anomalies = selectors.anomaly_list(
        viewer=request.user,
        node=cleaned.get("node"),
        kind=cleaned.get("kind") or "",
        open_only=bool(cleaned.get("open_only")),
    )
    return export_or(
        request,
        anomalies,
        columns=ANOMALY_COLUMNS,
        filename="collective-anomalies.xlsx",
        title=_("Collective anomalies"),
        render=lambda page: render(
            request, "collective/anomaly_list.html", {"page": page, "filters": filters}
        ),
    )


@require_perm("collective:view")
def anomaly_detail(request, pk: int):
    anomaly = selectors.anomaly_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["anomaly"] = anomaly
    return render(request, "collective/anomaly_detail.html", context)


ENTRY_COLUMNS = [
    Column("booked_on", _lazy("booked on"), lambda x: x.booked_on, sort="booked_on"),
    Column(
        "unit", _lazy("village"), lambda x: x.collective.node.name, sort="collective__node__path"
    ),
    Column("category", _lazy("category"), lambda x: x.get_category_display(), sort="category"),
    Column("amount", _lazy("amount (yuan)"), lambda x: x.amount, sort="amount"),
    Column("summary", _lazy("summary"), lambda x: x.summary),
    Column("payment", _lazy("paid by"), lambda x: x.get_payment_display(), sort="payment"),
]


@require_perm("collective:view")
def entry_list(request, publish_form=None):
    filters = EntryFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.entry_list(
        viewer=request.user,
        node=cleaned.get("node"),
        month=cleaned.get("month") or "",
        category=cleaned.get("category") or "",
    )
    can_record = has_perm(request.user, "collective:record")
    context = {
        "filters": filters,
        "can_record": can_record,
        "statements": selectors.statement_list(viewer=request.user, node=cleaned.get("node"))[:24],
        "publish_form": publish_form or (PublishForm(viewer=request.user) if can_record else None),
    }
    return export_or(
        request,
        entries,
        columns=ENTRY_COLUMNS,
        filename="collective-accounts.xlsx",
        title=_("Collective accounts"),
        render=lambda page: render(
            request,
            "collective/entry_list.html",
            {**context, "page": page},
            status=400 if publish_form is not None else 200,
        ),
    )


@require_perm("collective:record")
@require_POST
def statement_publish(request):
    form = PublishForm(request.POST, viewer=request.user)
    if form.is_valid():
        done = call_service(
            form, services.statement_publish, actor=request.user, **form.cleaned_data
        )
        if done is not None:
            request.operation_target = done
            messages.success(request, _("Published and fixed in the ledger."))
            return redirect("collective:entry_list")
    return entry_list(request, publish_form=form)


ASSET_COLUMNS = [
    Column(
        "unit", _lazy("village"), lambda x: x.collective.node.name, sort="collective__node__path"
    ),
    Column("code", _lazy("asset number"), lambda x: x.code, sort="code"),
    Column("name", _lazy("name"), lambda x: x.name, sort="name"),
    Column("kind", _lazy("kind"), lambda x: x.get_kind_display(), sort="kind"),
    Column("area", _lazy("size"), lambda x: f"{x.area} {x.get_unit_display()}", sort="area"),
    Column("status", _lazy("status"), lambda x: x.get_status_display(), sort="status"),
]


@require_perm("collective:view")
def asset_list(request):
    filters = AssetFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    assets = selectors.asset_list(
        viewer=request.user, node=cleaned.get("node"), status=cleaned.get("status") or ""
    )
    context = {
        "filters": filters,
        "can_record": has_perm(request.user, "collective:record"),
        "contracts": selectors.contract_list(viewer=request.user, node=cleaned.get("node"))[:50],
        "collectives": selectors.collective_list(viewer=request.user).order_by("node__path")[:200],
    }
    return export_or(
        request,
        assets,
        columns=ASSET_COLUMNS,
        filename="collective-assets.xlsx",
        title=_("Assets and contracts"),
        render=lambda page: render(
            request, "collective/asset_list.html", {**context, "page": page}
        ),
    )


def _import(request, *, title, columns, required, service, example, filename, done_url):
    if request.GET.get("template"):
        return template_response(
            filename=filename,
            title=title,
            headers=[str(label) for _key, label in columns],
            example=example,
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(form.cleaned_data["file"], columns, required)
            created = service(actor=request.user, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect(done_url)
    return render(
        request,
        "orgs/import.html",
        {"form": form, "errors": errors, "spec": {"title": title}},
        status=400 if errors or form.errors else 200,
    )


@require_perm("collective:record")
def entries_import(request):
    return _import(
        request,
        title=_("Import accounts"),
        columns=services.ENTRY_COLUMNS,
        required=services.ENTRY_REQUIRED,
        service=services.entries_import,
        example=["QH-T01-V01", "2026-03-05", "经营收入", "1200.00", "鱼塘承包费", "", "", "", ""],
        filename="collective-accounts-template.xlsx",
        done_url="collective:entry_list",
    )


@require_perm("collective:record")
def assets_import(request):
    return _import(
        request,
        title=_("Import assets"),
        columns=services.ASSET_COLUMNS,
        required=services.ASSET_REQUIRED,
        service=services.assets_import,
        example=["QH-T01-V01", "ZC-001", "东坡鱼塘", "water", "12.5", "mu", "0", "2026-01-05", ""],
        filename="collective-assets-template.xlsx",
        done_url="collective:asset_list",
    )


@require_perm("collective:view")
def poster(request, pk: int):
    """The QR poster for a village's notice board (SVG, to print): it opens the village's
    public page of collective funds, assets and resources, from which members verify."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import reverse

    from oversight.public import posters

    collective = selectors.collective_get(viewer=request.user, pk=pk)
    url = settings.PUBLIC_SITE_URL.rstrip("/") + reverse(
        "collective_public:village", args=[collective.node.code]
    )
    content = posters.svg(
        collective.node,
        request.GET.get("size") if request.GET.get("size") in posters.SIZES else "a4",
        url=url,
        instructions=_("Scan to see the village's accounts, assets and contracts"),
        note=_("Members of the collective may see every entry and ask or object."),
    )
    response = HttpResponse(content, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{collective.node.code}-board.svg"'
    return response


# --- reimbursements and asset steps: the village proposes, the town reviews ----------------

REIMBURSEMENT_COLUMNS = [
    Column(
        "opened", _lazy("proposed on"), lambda x: x.item.opened_at.date(), sort="item__opened_at"
    ),
    Column("unit", _lazy("village"), lambda x: x.node.name, sort="node__path"),
    Column("payee", _lazy("payee"), lambda x: x.payee, sort="payee"),
    Column("purpose", _lazy("purpose"), lambda x: x.purpose),
    Column("category", _lazy("category"), lambda x: x.get_category_display(), sort="category"),
    Column("amount", _lazy("amount (yuan)"), lambda x: x.amount, sort="amount"),
    Column("state", _lazy("state"), lambda x: x.item.state_label, sort="item__state"),
    Column("light", _lazy("light"), lambda x: x.item.get_light_display(), sort="item__light"),
]


@require_perm("collective:view")
def reimbursement_list(request, form=None):
    """The village's reimbursements and its proposal form; the town's queue (``state=awaiting``)."""
    filters = ReviewFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.reimbursement_list(
        viewer=request.user, node=cleaned.get("node"), state=cleaned.get("state") or ""
    )
    can_propose = (
        has_perm(request.user, "collective:record")
        and selectors.collective_list(viewer=request.user)
        .filter(node_id=request.user.org_node_id)
        .exists()
    )
    if form is None and can_propose:
        form = ReimbursementForm(
            viewer=request.user,
            initial={"collective": selectors.collective_list(viewer=request.user)
                     .filter(node_id=request.user.org_node_id).first()},
        )  # fmt: skip
    context = {"filters": filters, "form": form}
    return export_or(
        request,
        rows,
        columns=REIMBURSEMENT_COLUMNS,
        filename="collective-reimbursements.xlsx",
        title=_("Reimbursements"),
        render=lambda page: render(
            request,
            "collective/reimbursement_list.html",
            {**context, "page": page},
            status=400 if form is not None and form.is_bound else 200,
        ),
    )


@require_perm("collective:record")
@require_POST
def reimbursement_propose(request):
    form = ReimbursementForm(request.POST, request.FILES, viewer=request.user)
    if form.is_valid():
        done = call_service(
            form, services.reimbursement_propose, actor=request.user, **form.cleaned_data
        )
        if done is not None:
            request.operation_target = done
            messages.success(request, _("Proposed: the town will review it."))
            return redirect("collective:reimbursement_detail", pk=done.item_id)
    return reimbursement_list(request, form=form)


@require_perm("collective:view")
def reimbursement_detail(request, pk: int):
    reimbursement = selectors.reimbursement_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["reimbursement"] = reimbursement
    return render(request, "collective/reimbursement_detail.html", context)


@require_perm("collective:view")
def asset_detail(request, pk: int, form=None):
    """An asset with its contracts and the steps of its lifecycle; the village proposes the
    next step here."""
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    can_propose = (
        has_perm(request.user, "collective:record")
        and request.user.org_node_id == asset.collective.node_id
        and asset.status != asset.Status.DISPOSED
    )
    if form is None and can_propose:
        form = AssetStepForm()
    context = {
        "asset": asset,
        "contracts": asset.contracts.order_by("-starts_on"),
        "steps": selectors.asset_step_list(viewer=request.user, asset=asset),
        "form": form,
    }
    return render(
        request,
        "collective/asset_detail.html",
        context,
        status=400 if form is not None and form.is_bound else 200,
    )


@require_perm("collective:record")
@require_POST
def asset_step_propose(request, pk: int):
    asset = selectors.asset_get(viewer=request.user, pk=pk)
    form = AssetStepForm(request.POST, request.FILES)
    if form.is_valid():
        done = call_service(
            form, services.asset_step_propose, actor=request.user, asset=asset, **form.cleaned_data
        )
        if done is not None:
            request.operation_target = done
            messages.success(request, _("Proposed: the town will review it."))
            return redirect("collective:asset_step_detail", pk=done.item_id)
    return asset_detail(request, pk, form=form)


@require_perm("collective:view")
def asset_step_detail(request, pk: int):
    row = selectors.asset_step_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["step"] = row
    return render(request, "collective/asset_step_detail.html", context)
