"""Pages of the closed loop: my work, item lists, an item with its timeline and actions,
statistics, the electronic file, and the calendar. Views validate and delegate."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, export_response
from oversight.ledger import selectors as ledger_selectors
from oversight.orgs.access import has_perm, require_perm
from oversight.orgs.selectors import node_get

from . import efile, registry, selectors, services
from .efile import FILE_RECORD
from .forms import (
    CalendarDayForm,
    CommentForm,
    DocumentForm,
    ExtensionDecisionForm,
    ExtensionForm,
    InstructionForm,
    ItemFilterForm,
    KindSettingForm,
    LadderForm,
    ProgressForm,
    StatisticsForm,
    TransitionForm,
)
from .models import Attachment, CalendarDay, ExtensionRequest, KindSetting, WorkItem
from .timing import kind_timing

TABS = [("todo", _lazy("To do")), ("done", _lazy("Done")), ("started", _lazy("Started by me"))]


@login_required
def my_work(request):
    tab = request.GET.get("tab", "todo")
    if tab not in dict(TABS):
        tab = "todo"
    items = selectors.my_work(viewer=request.user, tab=tab)
    return export_or(
        request,
        items,
        columns=ITEM_COLUMNS,
        filename="my-work.xlsx",
        title=_("My work"),
        render=lambda page: render(
            request, "loop/my_work.html", {"page": page, "tab": tab, "tabs": TABS}
        ),
    )


def _filters(request, form: ItemFilterForm) -> selectors.ItemFilters:
    if not form.is_valid():
        return selectors.ItemFilters()
    data = form.cleaned_data
    node = node_get(viewer=request.user, pk=data["node"]) if data.get("node") else None
    status = data.get("status")
    return selectors.ItemFilters(
        kind=data.get("kind") or "",
        light=data.get("light") or "",
        node=node,
        search=data.get("q") or "",
        open=True if status == "open" else False if status == "closed" else None,
        overdue=status == "overdue",
        on_time={"yes": True, "no": False}.get(data.get("on_time") or ""),
    )


ITEM_COLUMNS = [
    Column("number", _lazy("number"), lambda i: i.pk, sort="id"),
    Column("kind", _lazy("kind"), lambda i: i.kind_label, sort="kind"),
    Column("title", _lazy("title"), lambda i: i.title, sort="title"),
    Column("parent", _lazy("parent matter"), lambda i: i.parent.title if i.parent_id else ""),
    Column("state", _lazy("state"), lambda i: i.state_label, sort="state"),
    Column("light", _lazy("light"), lambda i: i.get_light_display(), sort="light"),
    Column(
        "responsible",
        _lazy("responsible unit"),
        lambda i: i.responsible_node.name,
        sort="responsible_node__name",
    ),
    Column("deadline", _lazy("final deadline"), lambda i: i.final_deadline, sort="final_deadline"),
    Column("progress", _lazy("progress (%)"), lambda i: i.progress, sort="progress"),
    Column("opened", _lazy("opened"), lambda i: i.opened_at.date(), sort="opened_at"),
    Column(
        "closed",
        _lazy("closed"),
        lambda i: i.closed_at.date() if i.closed_at else None,
        sort="closed_at",
    ),
]


def _item_rows(request):
    form = ItemFilterForm(request.GET or None)
    items = selectors.item_list(viewer=request.user, filters=_filters(request, form))
    return form, items.select_related("parent")


@require_perm("loop:item:view")
def item_list(request):
    form, items = _item_rows(request)
    return export_or(
        request,
        items,
        columns=ITEM_COLUMNS,
        filename="work-items.xlsx",
        title=_("Work items"),
        export_perm="loop:item:export",
        render=lambda page: render(
            request,
            "loop/item_list.html",
            {"page": page, "form": form, **_bulk(request.user)},
        ),
    )


def _bulk(viewer) -> dict:
    """What the list offers on the chosen rows: reminders (催办) and the electronic files."""
    remind = has_perm(viewer, "loop:item:supervise")
    export = has_perm(viewer, "loop:item:export")
    return {"bulk": remind or export, "can_remind": remind, "can_export": export}


@require_perm("loop:item:export")
def item_export(request):
    _form, items = _item_rows(request)
    return export_response(
        request, items, columns=ITEM_COLUMNS, filename="work-items.xlsx", title=_("Work items")
    )


def _file_badge(viewer, item: WorkItem):
    """A closed file's place in the ledger, with its receipt, for whoever may see the whole
    file (its receipt holds every item below it)."""
    if item.parent_id is not None or item.is_open:
        return None
    if str(item.pk) not in selectors.whole_file_visible_ids(viewer=viewer, ids=[item.pk]):
        return None
    return ledger_selectors.fixed_badge(record_type=FILE_RECORD, record_id=item.pk)


def detail_context(request, item: WorkItem, **forms) -> dict:
    viewer = request.user
    rel = services.relations(item, viewer)
    pending = item.extension_requests.filter(status=ExtensionRequest.Status.PENDING).first()
    return {
        "item": item,
        "transitions": services.available_transitions(item, viewer),
        "parent_visible": bool(item.parent_id)
        and selectors.item_list(viewer=viewer).filter(pk=item.parent_id).exists(),
        # steps that end the item (verify and close, conclude): confirmed before they are taken
        "can_remind": services.SUPERVISING in rel
        and has_perm(viewer, "loop:item:supervise")
        and services.is_overdue(item),
        "final_steps": {
            t.name for t in item.workflow.transitions if item.workflow.state(t.target).terminal
        },
        "timeline": selectors.item_timeline(item=item),
        "children": selectors.item_children(viewer=viewer, item=item),
        "co_owners": item.co_owners.select_related("node"),
        "milestones": getattr(item, "milestones", None) and item.milestones.all(),
        "can_report": item.is_open
        and services.RESPONSIBLE in rel
        and has_perm(viewer, "loop:item:handle"),
        "can_instruct": has_perm(viewer, "loop:item:instruct"),
        "can_extend": item.is_open and services.RESPONSIBLE in rel and pending is None,
        "pending_extension": pending,
        "can_decide": pending is not None
        and services.SUPERVISING in rel
        and has_perm(viewer, "loop:item:extend"),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "progress_form": forms.get("progress_form")
        or ProgressForm(initial={"percent": item.progress}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "instruction_form": forms.get("instruction_form") or InstructionForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "module_url": item.workflow.detail_url(item) if item.workflow.detail_url else "",
        "documents": _documents_about(viewer, item),
        "ledger_badge": _file_badge(viewer, item),
        "can_trace": has_perm(viewer, "ledger:audit:view"),
        "can_issue": services.SUPERVISING in rel and has_perm(viewer, "documents:document:issue"),
        "document_form": forms.get("document_form") or DocumentForm(),
    }


def _documents_about(viewer, item):
    # documents declares a loop kind (drafts), so it sits above loop; the item page reads its
    # selector at call time rather than tying the two apps in an import circle.
    from oversight.documents.selectors import documents_about

    return documents_about(viewer=viewer, target=item)


@login_required
def item_print(request, pk: int):
    """The printable page of an item: its facts and its timeline."""
    item = selectors.item_get(viewer=request.user, pk=pk)
    context = {"item": item, "timeline": selectors.item_timeline(item=item)}
    return render(request, "loop/item_print.html", context)


@login_required
def item_detail(request, pk: int):
    item = selectors.item_get(viewer=request.user, pk=pk)
    return render(request, "loop/item_detail.html", detail_context(request, item))


def _back(request, item):
    """Where an action on an item returns: the page it was taken on (a module's page of the item,
    such as a rectification task's, posts its own address as ``next``), else the item's page."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect("loop:item_detail", pk=item.pk)


def _post_action(request, pk: int, form_class, form_name: str, service, success: str, **fixed):
    """Validate the action's form and call its service; errors re-render the item page."""
    item = selectors.item_get(viewer=request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = {**form.cleaned_data, **fixed}
        if call_service(form, service, item=item, actor=request.user, **data) is not None:
            request.operation_target = item
            messages.success(request, success)
            return _back(request, item)
    return render_form(
        request, "loop/item_detail.html", detail_context(request, item, **{form_name: form}), form
    )


@require_POST
@login_required
def item_transition(request, pk: int, name: str):
    return _post_action(
        request,
        pk,
        TransitionForm,
        "transition_form",
        services.item_transition,
        _("Done."),
        name=name,
    )


@require_POST
@require_perm("loop:item:handle")
def item_progress(request, pk: int):
    return _post_action(
        request,
        pk,
        ProgressForm,
        "progress_form",
        services.item_report_progress,
        _("Progress reported."),
    )


@require_POST
@login_required
def item_comment(request, pk: int):
    return _post_action(
        request, pk, CommentForm, "comment_form", services.item_comment, _("Comment added.")
    )


@require_POST
@require_perm("loop:item:instruct")
def item_instruct(request, pk: int):
    return _post_action(
        request,
        pk,
        InstructionForm,
        "instruction_form",
        services.item_instruct,
        _("Instruction sent."),
    )


@require_POST
@require_perm("documents:document:issue")
def item_document(request, pk: int):
    return _post_action(
        request,
        pk,
        DocumentForm,
        "document_form",
        services.item_issue_document,
        _("The document was issued."),
    )


@require_POST
@login_required
def extension_request(request, pk: int):
    return _post_action(
        request,
        pk,
        ExtensionForm,
        "extension_form",
        services.extension_request,
        _("Extension requested."),
    )


@require_POST
@require_perm("loop:item:extend")
def extension_decide(request, pk: int):
    item = selectors.item_get(viewer=request.user, pk=pk)
    pending = get_object_or_404(ExtensionRequest, item=item, status=ExtensionRequest.Status.PENDING)
    form = ExtensionDecisionForm(request.POST)
    if form.is_valid() and call_service(
        form, services.extension_decide, request=pending, actor=request.user, **form.cleaned_data
    ):
        request.operation_target = item
        messages.success(request, _("Decision recorded."))
        return _back(request, item)
    return render_form(
        request, "loop/item_detail.html", detail_context(request, item, decision_form=form), form
    )


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment, pk=pk)
    selectors.item_get(viewer=request.user, pk=attachment.item_id)  # 404 outside scope
    if not attachment.file:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@require_perm("loop:item:export")
def item_file(request, pk: int):
    """The electronic file (电子档案): the item and all its descendants as one ZIP."""
    item = selectors.item_get(viewer=request.user, pk=pk)
    package = efile.build(item=item, viewer=request.user)
    return FileResponse(
        package,
        as_attachment=True,
        filename=f"work-item-{item.pk}.zip",
        content_type="application/zip",
    )


@require_POST
@require_perm("loop:item:export")
def items_files(request):
    """Several electronic files as one ZIP: each chosen item as its single export would be. A
    chosen item outside the viewer's scope answers 404, as its own file would."""
    ids = {int(v) for v in request.POST.getlist("items") if v.isdigit() and len(v) <= 18}
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = reverse("loop:item_list")
    if not ids:
        messages.error(request, _("Choose the items whose electronic files to export."))
        return redirect(back)
    if len(ids) > efile.BATCH_LIMIT:
        messages.error(
            request,
            _("Export at most %(limit)d electronic files at a time.")
            % {"limit": efile.BATCH_LIMIT},
        )
        return redirect(back)
    items = list(selectors.item_list(viewer=request.user).filter(pk__in=ids))
    if len(items) != len(ids):
        raise Http404
    return FileResponse(
        efile.build_many(items=items, viewer=request.user),
        as_attachment=True,
        filename="work-items-files.zip",
        content_type="application/zip",
    )


@require_perm("loop:item:view")
def statistics(request):
    form = StatisticsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    under = node_get(viewer=request.user, pk=data["under"]) if data.get("under") else None
    group = data.get("group") or "node"
    rows = selectors.statistics(
        viewer=request.user,
        group_by=group,
        kind=data.get("kind") or "",
        start=data.get("start"),
        end=data.get("end"),
        under=under,
    )
    if request.GET.get("format") == "xlsx":
        if not has_perm(request.user, "loop:item:export"):
            raise PermissionDenied("loop:item:export")
        headers = [
            _("unit") if group == "node" else _("kind"),
            _("opened"),
            _("closed"),
            _("overdue"),
            _("on-time rate (%)"),
            _("average days to close"),
        ]
        return xlsx_response(
            filename="statistics.xlsx",
            title=_("Statistics"),
            headers=headers,
            rows=(
                (r.label, r.opened, r.closed, r.overdue, r.on_time_rate, r.average_days)
                for r in rows
            ),
        )
    for row in rows:
        base = {"kind": row.key} if group == "kind" else {"node": row.key}
        if data.get("kind"):
            base["kind"] = data["kind"]
        row.links = {
            "opened": urlencode(base),
            "closed": urlencode({**base, "status": "closed"}),
            "overdue": urlencode({**base, "status": "overdue"}),
            "late": urlencode({**base, "status": "closed", "on_time": "no"}),
        }
        row.drill = urlencode({**request.GET.dict(), "under": row.key}) if group == "node" else ""
    chart = {
        "names": [r.label for r in rows],
        "series": [
            {"label": _("on-time rate (%)"), "values": [r.on_time_rate for r in rows]},
            {"label": _("overdue"), "values": [r.overdue for r in rows]},
        ],
        "urls": [
            f"?{r.drill}" if r.drill else f"{reverse('loop:item_list')}?{r.links['opened']}"
            for r in rows
        ],
    }
    return render(
        request,
        "loop/statistics.html",
        {
            "form": form,
            "rows": rows,
            "chart": chart,
            "group": group,
            "under": under,
            "query": request.GET.urlencode(),
        },
    )


@require_perm("loop:calendar:edit")
def calendar(request):
    day_form = CalendarDayForm(request.POST if request.POST.get("form") == "day" else None)
    kind_form = KindSettingForm(request.POST if request.POST.get("form") == "kind" else None)
    if request.method == "POST":
        if day_form.is_bound and day_form.is_valid():
            call_service(
                day_form, services.calendar_day_save, actor=request.user, **day_form.cleaned_data
            )
            if not day_form.errors:
                messages.success(request, _("The calendar was corrected."))
                return redirect("loop:calendar")
        if kind_form.is_bound and kind_form.is_valid():
            if call_service(
                kind_form, services.kind_setting_save, actor=request.user, **kind_form.cleaned_data
            ):
                messages.success(request, _("The settings were saved."))
                return redirect("loop:calendar")
    bound = day_form if day_form.is_bound else kind_form
    settings_rows = {row.kind: row for row in KindSetting.objects.all()}
    kinds = []
    for _kind, workflow in sorted(registry.WORKFLOWS.items()):
        kinds.append(
            (workflow, kind_timing(workflow, settings_rows), workflow.kind in settings_rows)
        )
    context = {
        "day_form": day_form,
        "kind_form": kind_form,
        "days": CalendarDay.objects.all()[:200],
        "kinds": kinds,
    }
    return render_form(request, "loop/calendar.html", context, bound)


@require_perm("loop:calendar:edit")
def kind_ladder(request, kind: str):
    """A kind's warning ladder: when each light comes and who each warns (the commission's)."""
    workflow = registry.WORKFLOWS.get(kind)
    if workflow is None:
        raise Http404
    current = kind_timing(workflow).ladder
    labels = dict(services.ladder_audiences(kind))
    form = LadderForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        initial_ladder=sorted(current, key=_rung_order),
    )
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            services.kind_ladder_save,
            kind=kind,
            ladder=form.cleaned_data["ladder"],
            actor=request.user,
        ):
            messages.success(request, _("The warning ladder was saved."))
            return redirect("loop:kind_ladder", kind=kind)
    return render_form(
        request,
        "loop/kind_ladder.html",
        {
            "form": form,
            "workflow": workflow,
            "ladder": [
                (
                    rung,
                    LIGHT_LABELS.get(rung.light, rung.light),
                    [labels.get(c, c) for c in rung.audiences],
                )
                for rung in sorted(current, key=_rung_order)
            ],
        },
        form,
    )


LIGHT_LABELS = {
    "green": _lazy("green: days before the deadline"),
    "yellow": _lazy("yellow: days before the deadline"),
    "red": _lazy("red: days after the deadline"),
}


def _rung_order(rung) -> tuple:
    """Green and yellow rungs by days before the deadline, then red ones by days after it."""
    return (rung.light == "red", -rung.days if rung.light != "red" else rung.days)


@require_POST
@require_perm("loop:item:supervise")
def items_remind(request):
    """催办: remind the responsible side of the chosen overdue items (one item or a list's)."""
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    items = list(selectors.item_list(viewer=request.user).filter(pk__in=ids))
    back = request.POST.get("next", "")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("loop:item_list")
    if not items:
        messages.error(request, _("Choose the overdue items to remind."))
        return redirect(back)
    try:
        sent = services.items_remind(items=items, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(count)d item was reminded.", "%(count)d items were reminded.", sent)
        % {"count": sent}
        if sent
        else _("These items were reminded today already."),
    )
    return redirect(back)
