"""Pages of disclosure supervision; lapses' states, deadlines, documents and timelines are the
loop's (the lapse page extends the item page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
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
    CatalogueItemForm,
    ClassifyForm,
    EventForm,
    ImportForm,
    LapseFilterForm,
    PublicationForm,
)


@require_perm("disclosure:view")
def catalogue(request, form=None):
    can_edit = has_perm(request.user, "disclosure:catalogue:edit")
    context = {
        "items": selectors.catalogue_list(viewer=request.user),
        "form": form or (CatalogueItemForm() if can_edit else None),
    }
    return render(request, "disclosure/catalogue.html", context, status=400 if form else 200)


@require_perm("disclosure:catalogue:edit")
@require_POST
def catalogue_add(request):
    form = CatalogueItemForm(request.POST)
    if form.is_valid():
        item = call_service(
            form, services.catalogue_item_save, actor=request.user, **form.cleaned_data
        )
        if item is not None:
            request.operation_target = item
            messages.success(request, _("Saved."))
            return redirect("disclosure:catalogue")
    return catalogue(request, form=form)


PUBLICATION_COLUMNS = [
    Column("published_on", _lazy("published on"), lambda p: p.published_on, sort="published_on"),
    Column("unit", _lazy("unit"), lambda p: p.node.name, sort="node__path"),
    Column("title", _lazy("title"), lambda p: p.title, sort="title"),
    Column(
        "disclosure",
        _lazy("disclosure"),
        lambda p: p.catalogue_item.title if p.catalogue_item else "",
        sort="catalogue_item__title",
    ),
    Column("key", _lazy("period"), lambda p: p.key, sort="key"),
    Column("url", _lazy("link"), lambda p: p.url),
]


@require_perm("disclosure:view")
def publication_list(request, form=None, event_form=None):
    unmatched = request.GET.get("unmatched") == "1"
    filters = LapseFilterForm(request.GET or None, viewer=request.user)
    node = filters.cleaned_data.get("node") if filters.is_valid() else None
    publications = selectors.publication_list(viewer=request.user, node=node, unmatched=unmatched)
    can_capture = has_perm(request.user, "disclosure:publication:capture")
    context = {
        "filters": filters,
        "unmatched": unmatched,
        "form": form or (PublicationForm(viewer=request.user) if can_capture else None),
        "event_form": event_form or (EventForm(viewer=request.user) if can_capture else None),
        "classify_form": ClassifyForm() if can_capture else None,
        "events": selectors.event_list(viewer=request.user)[:20],
    }
    status = 400 if form is not None or event_form is not None else 200
    return export_or(
        request,
        publications,
        columns=PUBLICATION_COLUMNS,
        filename="disclosure-notices.xlsx",
        title=_("Captured notices"),
        render=lambda page: render(
            request, "disclosure/publication_list.html", {**context, "page": page}, status=status
        ),
    )


@require_perm("disclosure:publication:capture")
@require_POST
def publication_capture(request):
    form = PublicationForm(request.POST, viewer=request.user)
    if form.is_valid():
        done = call_service(
            form, services.publication_capture, actor=request.user, **form.cleaned_data
        )
        if done is not None:
            request.operation_target = done
            if done.catalogue_item is None or not done.key:
                messages.warning(
                    request, _("Captured; it could not be classified and waits for a person.")
                )
            else:
                messages.success(
                    request,
                    _("Captured as %(item)s (%(key)s).")
                    % {"item": done.catalogue_item.title, "key": done.key},
                )
            return redirect("disclosure:publication_list")
    return publication_list(request, form=form)


@require_perm("disclosure:publication:capture")
@require_POST
def publication_classify(request, pk: int):
    publication = selectors.publication_get(viewer=request.user, pk=pk)
    request.operation_target = publication
    form = ClassifyForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.publication_classify,
            actor=request.user,
            publication=publication,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("disclosure:publication_list")
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect(reverse("disclosure:publication_list") + "?unmatched=1")


@require_perm("disclosure:publication:capture")
@require_POST
def event_record(request):
    form = EventForm(request.POST, viewer=request.user)
    if form.is_valid():
        event = call_service(form, services.event_record, actor=request.user, **form.cleaned_data)
        if event is not None:
            request.operation_target = event
            messages.success(request, _("Recorded as %(key)s.") % {"key": event.key})
            return redirect("disclosure:publication_list")
    return publication_list(request, event_form=form)


@require_perm("disclosure:publication:capture")
def publications_import(request):
    if request.GET.get("template"):
        return template_response(
            filename="disclosure-notices-template.xlsx",
            title=_("Import notices"),
            headers=[str(label) for _key, label in services.IMPORT_COLUMNS],
            example=[
                "QH-T01-V01",
                "2026年第一季度村务公开",
                "发布时间：2026年4月8日",
                "https://example.gov.cn/t20260408_1.html",
                "",
                "收入、支出、结余",
                "是",
                "一、收入……",
            ],  # fmt: skip
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.IMPORT_COLUMNS, services.IMPORT_REQUIRED
            )
            created = services.publications_import(actor=request.user, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect("disclosure:publication_list")
    return render(
        request,
        "orgs/import.html",
        {"form": form, "errors": errors, "spec": {"title": _("Import notices")}},
        status=400 if errors or form.errors else 200,
    )


LAPSE_COLUMNS = [
    Column("found_on", _lazy("found on"), lambda x: x.found_on, sort="found_on"),
    Column("unit", _lazy("unit"), lambda x: x.node.name, sort="node__path"),
    Column(
        "disclosure",
        _lazy("disclosure"),
        lambda x: x.catalogue_item.title if x.catalogue_item_id else str(x.source or ""),
        sort="catalogue_item__title",
    ),
    Column("key", _lazy("period"), lambda x: x.key, sort="key"),
    Column("kind", _lazy("lapse"), lambda x: x.get_kind_display(), sort="kind"),
    Column("state", _lazy("state"), lambda x: x.item.state_label, sort="item__state"),
    Column("light", _lazy("light"), lambda x: x.item.get_light_display(), sort="item__light"),
]


@require_perm("disclosure:view")
def lapse_list(request):
    filters = LapseFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    lapses = selectors.lapse_list(
        viewer=request.user,
        node=cleaned.get("node"),
        kind=cleaned.get("kind") or "",
        open_only=bool(cleaned.get("open_only")),
    )
    return export_or(
        request,
        lapses,
        columns=LAPSE_COLUMNS,
        filename="disclosure-lapses.xlsx",
        title=_("Disclosure lapses"),
        render=lambda page: render(
            request, "disclosure/lapse_list.html", {"page": page, "filters": filters}
        ),
    )


@require_perm("disclosure:view")
def lapse_detail(request, pk: int):
    lapse = selectors.lapse_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["lapse"] = lapse
    return render(request, "disclosure/lapse_detail.html", context)
