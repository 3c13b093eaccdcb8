"""Pages of disclosure supervision; lapses' states, deadlines, documents and timelines are the
loop's (the lapse page extends the item page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, paginate
from oversight.loop import selectors as loop_selectors
from oversight.loop import timing
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import (
    CatalogueItemEditForm,
    CatalogueItemForm,
    ClassifyForm,
    CollectedClassifyForm,
    EventForm,
    ImportForm,
    LapseFilterForm,
    PublicationForm,
    SourceFilterForm,
    SourceForm,
    UnitFilterForm,
    UploadForm,
)


@require_perm("disclosure:view")
def catalogue(request, form=None):
    can_edit = has_perm(request.user, "disclosure:catalogue:edit")
    context = {
        "items": selectors.catalogue_list(viewer=request.user),
        "form": form or (CatalogueItemForm() if can_edit else None),
        "can_edit": can_edit,
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


@require_perm("disclosure:catalogue:edit")
def catalogue_edit(request, pk: int):
    """Change a catalogue item: what it asks and the rules that classify notices to it."""
    item = get_object_or_404(selectors.catalogue_list(viewer=request.user), pk=pk)
    form = CatalogueItemEditForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        saved = call_service(
            form, services.catalogue_item_save, actor=request.user, item=item, **form.cleaned_data
        )
        if saved is not None:
            request.operation_target = saved
            messages.success(request, _("Saved."))
            return redirect("disclosure:catalogue")
    form = form or CatalogueItemEditForm.of(item)
    return render_form(
        request, "disclosure/catalogue_edit.html", {"item": item, "form": form}, form
    )


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


# --- collection: sources, their health, uploads and the unclassified queue ----------------------


def _health_label(source) -> str:
    health, detail = selectors.source_health(source, on=timing.today())
    return f"{HEALTH_LABELS[health]}: {detail}" if detail else str(HEALTH_LABELS[health])


HEALTH_LABELS = {
    "ok": _lazy("Healthy"),
    "failing": _lazy("Failing"),
    "silent": _lazy("Silent beyond its cadence"),
    "unread": _lazy("Not read yet"),
}

SOURCE_COLUMNS = [
    Column("unit", _lazy("unit"), lambda s: s.node.name, sort="node__path"),
    Column("name", _lazy("name"), lambda s: s.name, sort="name"),
    Column("kind", _lazy("kind"), lambda s: s.get_kind_display(), sort="kind"),
    Column(
        "cadence", _lazy("cadence (working days)"), lambda s: s.cadence_days, sort="cadence_days"
    ),
    Column("last_at", _lazy("last fetch"), lambda s: s.last_at, sort="last_at"),
    Column("last_new_at", _lazy("last new notice"), lambda s: s.last_new_at, sort="last_new_at"),
    Column("health", _lazy("health"), _health_label),
]


@require_perm("disclosure:view")
def source_list(request):
    filters = SourceFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    on = timing.today()
    sources = selectors.source_health_list(
        viewer=request.user,
        on=on,
        node=cleaned.get("node"),
        kind=cleaned.get("kind") or "",
        health=cleaned.get("health") or "",
    )

    def page_of(page):
        page.object_list = selectors.with_health(page.object_list, on=on)
        context = {
            "page": page,
            "filters": filters,
            "labels": HEALTH_LABELS,
            "can_edit": has_perm(request.user, "disclosure:publication:capture"),
        }
        return render(request, "disclosure/source_list.html", context)

    return export_or(
        request,
        sources,
        columns=SOURCE_COLUMNS,
        filename="disclosure-sources.xlsx",
        title=_("Disclosure sources"),
        render=page_of,
    )


def _source_form(request, source=None):
    form = (
        SourceForm(request.POST, viewer=request.user, source=source)
        if request.method == "POST"
        else SourceForm(viewer=request.user, source=source)
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if "preview" in request.POST:
            preview = call_service(
                form,
                services.source_preview,
                actor=request.user,
                node=kwargs["node"],
                kind=kwargs["kind"],
                url=kwargs["url"],
                config=kwargs["config"],
            )
        else:
            saved = call_service(
                form, services.source_save, actor=request.user, source=source, **kwargs
            )
            if saved is not None:
                request.operation_target = saved
                messages.success(request, _("Saved."))
                return redirect("disclosure:source_detail", pk=saved.pk)
    context = {"form": form, "source": source, "preview": preview}
    return render_form(request, "disclosure/source_form.html", context, form)


@require_perm("disclosure:publication:capture")
def source_add(request):
    return _source_form(request)


@require_perm("disclosure:publication:capture")
def source_edit(request, pk: int):
    return _source_form(request, selectors.source_get(viewer=request.user, pk=pk))


@require_perm("disclosure:view")
def source_detail(request, pk: int):
    source = selectors.source_get(viewer=request.user, pk=pk)
    source.health, source.health_detail = selectors.source_health(source, on=timing.today())
    context = {
        "source": source,
        # a list of pairs: a config key named like a dict method ("items" of a JSON source)
        # would shadow the method in the template
        "config": sorted((source.config or {}).items()),
        "labels": HEALTH_LABELS,
        "fetches": selectors.fetch_list(viewer=request.user, source=source)[:50],
        "page": paginate(request, selectors.collected_list(viewer=request.user, source=source)),
        "can_edit": has_perm(request.user, "disclosure:publication:capture"),
    }
    return render(request, "disclosure/source_detail.html", context)


@require_perm("disclosure:publication:capture")
@require_POST
def source_fetch_now(request, pk: int):
    source = selectors.source_get(viewer=request.user, pk=pk)
    request.operation_target = source
    try:
        fetch = services.source_fetch_now(actor=request.user, source=source)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if fetch.outcome in selectors.FAILING:
            messages.error(
                request,
                _("Read: %(outcome)s. %(error)s")
                % {"outcome": fetch.get_outcome_display(), "error": fetch.error},
            )
        else:
            messages.success(
                request,
                _("Read: %(found)d notices found, %(new)d new.")
                % {"found": fetch.found, "new": fetch.new},
            )
    return redirect("disclosure:source_detail", pk=source.pk)


def source_upload(request):
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not (
        has_perm(request.user, "disclosure:publication:capture")
        or has_perm(request.user, "disclosure:source:upload")
    ):
        raise PermissionDenied("disclosure:source:upload")
    form = UploadForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        new = call_service(
            form,
            services.source_upload,
            actor=request.user,
            source=form.cleaned_data["source"],
            name=upload.name,
            data=upload.read(),
            title=form.cleaned_data.get("title") or "",
            published_on=form.cleaned_data.get("published_on"),
            body=form.cleaned_data.get("body") or "",
        )
        if new is not None:
            request.operation_target = form.cleaned_data["source"]
            messages.success(
                request,
                ngettext(
                    "%(count)d notice was collected.", "%(count)d notices were collected.", new
                )
                % {"count": new},
            )
            return redirect("disclosure:source_upload")
    return render_form(request, "disclosure/source_upload.html", {"form": form}, form)


@require_perm("disclosure:view")
def unclassified_list(request):
    filters = UnitFilterForm(request.GET or None, viewer=request.user)
    node = filters.cleaned_data.get("node") if filters.is_valid() else None
    context = {
        "filters": filters,
        "page": paginate(request, selectors.unclassified_list(viewer=request.user, node=node)),
        "classify_form": (
            CollectedClassifyForm()
            if has_perm(request.user, "disclosure:publication:capture")
            else None
        ),
    }
    return render(request, "disclosure/unclassified_list.html", context)


@require_perm("disclosure:publication:capture")
@require_POST
def collected_classify(request, pk: int):
    collected = selectors.collected_get(viewer=request.user, pk=pk)
    request.operation_target = collected.source
    form = CollectedClassifyForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.collected_classify,
            actor=request.user,
            collected=collected,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("disclosure:unclassified_list")
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(errors)
        messages.error(request, f"{label}: {text}" if label else text)
    return redirect("disclosure:unclassified_list")
