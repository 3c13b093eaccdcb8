"""Pages of inspection rectification; tasks' and reports' states, deadlines, evidence and
timelines are the loop's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, paginate
from oversight.loop import selectors as loop_selectors
from oversight.loop import services as loop_services
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import (
    CheckForm,
    CopyNoticeForm,
    FeedbackForm,
    FindingForm,
    ImportForm,
    LookBackForm,
    RoundForm,
    TaskForm,
    UnitForm,
)
from .models import Finding
from .workflows import RECTIFICATION

VIEW, EDIT = "inspections:round:view", "inspections:round:edit"


@require_perm(VIEW)
def round_list(request, form=None):
    can_edit = has_perm(request.user, EDIT)
    context = {
        "page": paginate(request, selectors.round_list(viewer=request.user)),
        "form": form or (RoundForm(viewer=request.user) if can_edit else None),
    }
    if form is not None:
        return render_form(request, "inspections/round_list.html", context, form)
    return render(request, "inspections/round_list.html", context)


@require_perm(EDIT)
@require_POST
def round_create(request):
    form = RoundForm(request.POST, viewer=request.user)
    if form.is_valid():
        row = call_service(form, services.round_create, actor=request.user, **form.cleaned_data)
        if row:
            request.operation_target = row
            messages.success(request, _("The round was registered. Now add the inspected units."))
            return redirect("inspections:round_detail", pk=row.pk)
    return round_list(request, form=form)


@require_perm(VIEW)
def round_detail(request, pk: int, unit_form=None, lookback_form=None):
    round = selectors.round_get(viewer=request.user, pk=pk)
    context = {
        "round": round,
        "units": selectors.unit_list(viewer=request.user, round=round),
        "by_unit": selectors.completion(viewer=request.user, round=round, by="unit"),
        "by_category": selectors.completion(viewer=request.user, round=round, by="category"),
        "can_edit": has_perm(request.user, EDIT),
        "unit_form": unit_form or UnitForm(viewer=request.user),
        "lookbacks": selectors.lookback_list(viewer=request.user, round=round),
        "can_verify": has_perm(request.user, "inspections:task:verify"),
        "lookback_form": lookback_form or LookBackForm(),
    }
    failed = unit_form is not None or lookback_form is not None
    return render(request, "inspections/round_detail.html", context, status=400 if failed else 200)


@require_perm(EDIT)
@require_POST
def unit_add(request, pk: int):
    round = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round
    form = UnitForm(request.POST, viewer=request.user)
    if form.is_valid():
        done = call_service(
            form, services.unit_add, actor=request.user, round=round, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("inspections:round_detail", pk=pk)
    return round_detail(request, pk, unit_form=form)


@require_perm(VIEW)
def unit_detail(request, pk: int, **forms):
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    findings = selectors.finding_list(viewer=request.user, unit=unit).prefetch_related(
        "tasks__item", "tasks__leader", "tasks__department"
    )
    can_edit = has_perm(request.user, EDIT)
    context = {
        "unit": unit,
        "findings": findings,
        "can_edit": can_edit,
        # the report's responsible unit is the inspected unit: whoever sees the unit sees it
        "report": unit.report_item,
        "finding_form": forms.get("finding_form") or FindingForm(),
        "task_form": forms.get("task_form") or TaskForm(unit=unit),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(),
    }
    return render(request, "inspections/unit_detail.html", context, status=400 if forms else 200)


def _on_unit(request, pk: int, form_name: str, form, service, message: str, **kwargs):
    if form.is_valid():
        done = call_service(form, service, actor=request.user, **kwargs, **form.cleaned_data)
        if done is not None:
            messages.success(request, message)
            return redirect("inspections:unit_detail", pk=pk)
    return unit_detail(request, pk, **{form_name: form})


@require_perm(EDIT)
@require_POST
def finding_add(request, pk: int):
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    request.operation_target = unit
    form = FindingForm(request.POST)
    return _on_unit(request, pk, "finding_form", form, services.finding_add, _("Saved."), unit=unit)


@require_perm(EDIT)
@require_POST
def task_assign(request, pk: int):
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    request.operation_target = unit
    form = TaskForm(request.POST, unit=unit)
    return _on_unit(
        request, pk, "task_form", form, services.task_assign, _("The task was assigned.")
    )


@require_perm(EDIT)
@require_POST
def feedback_record(request, pk: int):
    unit = selectors.unit_get(viewer=request.user, pk=pk)
    request.operation_target = unit
    form = FeedbackForm(request.POST)
    return _on_unit(
        request,
        pk,
        "feedback_form",
        form,
        services.feedback_record,
        _("The feedback was issued; the rectification report is due in two months."),
        unit=unit,
    )


@require_perm(EDIT)
def findings_import(request, pk: int):
    round = selectors.round_get(viewer=request.user, pk=pk)
    if request.GET.get("template"):
        return template_response(
            filename="inspection-findings-template.xlsx",
            title=_("Import findings"),
            headers=[str(label) for _key, label in services.IMPORT_COLUMNS],
            example=["县教育局", "discipline", "公务接待超标准", "2026年3月接待清单"],
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        request.operation_target = round
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.IMPORT_COLUMNS, services.IMPORT_REQUIRED
            )
            created = services.findings_import(actor=request.user, round=round, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect("inspections:round_detail", pk=pk)
    return render(
        request,
        "orgs/import.html",
        {"form": form, "errors": errors, "spec": {"title": _("Import findings")}},
        status=400 if errors or form.errors else 200,
    )


TASK_COLUMNS = [
    Column("round", _lazy("inspection round"), lambda t: t.finding.unit.round.title),
    Column("unit", _lazy("inspected unit"), lambda t: t.node.name, sort="node__name"),
    Column("number", _lazy("number"), lambda t: t.finding.number),
    Column(
        "category",
        _lazy("category"),
        lambda t: t.finding.get_category_display(),
        sort="finding__category",
    ),
    Column("problem", _lazy("problem"), lambda t: t.finding.description),
    Column("measure", _lazy("rectification measure"), lambda t: t.measure),
    Column("leader", _lazy("leader in charge"), lambda t: t.leader.name if t.leader else ""),
    Column(
        "department",
        _lazy("responsible department"),
        lambda t: t.department.name if t.department else "",
    ),
    Column("deadline", _lazy("deadline"), lambda t: t.deadline, sort="deadline"),
    Column("state", _lazy("state"), lambda t: t.item.state_label, sort="item__state"),
    Column("result", _lazy("result"), lambda t: t.result),
]


def _task_filters(request) -> selectors.TaskFilters:
    rounds = selectors.round_list(viewer=request.user)
    chosen = request.GET.get("round", "")
    round = rounds.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    category = request.GET.get("category", "")
    return selectors.TaskFilters(
        round=round,
        category=category if category in Finding.Category.values else "",
        state=request.GET.get("state", "")[:32],
        overdue=request.GET.get("overdue") == "1",
    )


@require_perm(VIEW)
def task_list(request):
    filters = _task_filters(request)
    tasks = selectors.task_list(viewer=request.user, filters=filters)

    return export_or(
        request,
        tasks,
        columns=TASK_COLUMNS,
        filename="rectification-tasks.xlsx",
        title=_("Rectification tasks"),
        render=lambda page: render(
            request,
            "inspections/task_list.html",
            {
                "page": page,
                "filters": filters,
                "rounds": selectors.round_list(viewer=request.user),
                "categories": Finding.Category.choices,
                "states": [(s.code, s.label) for s in RECTIFICATION.states],
            },
        ),
    )


@require_perm(VIEW)
def task_detail(request, pk: int, notice_form=None):
    task = selectors.task_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context.update(
        {
            "task": task,
            "can_copy": item.is_open
            and has_perm(request.user, "inspections:task:verify")
            and has_perm(request.user, "documents:document:issue")
            and loop_services.SUPERVISING in loop_services.relations(item, request.user),
            "notice_form": notice_form or CopyNoticeForm(),
        }
    )
    return render(
        request, "inspections/task_detail.html", context, status=400 if notice_form else 200
    )


@require_perm("inspections:task:verify")
@require_POST
def copy_notice(request, pk: int):
    task = selectors.task_get(viewer=request.user, pk=pk)
    request.operation_target = task.item
    form = CopyNoticeForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, services.copy_notice_issue, actor=request.user, task=task, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The copy notice %(serial)s was sent.") % {"serial": done})
            return redirect("inspections:task_detail", pk=pk)
    return task_detail(request, pk, notice_form=form)


@require_perm("inspections:task:verify")
@require_POST
def lookback_draw(request, pk: int):
    round = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round
    form = LookBackForm(request.POST)
    if form.is_valid():
        data = {k: v or 0 for k, v in form.cleaned_data.items() if k != "categories"}
        done = call_service(
            form,
            services.lookback_draw,
            actor=request.user,
            round=round,
            categories=form.cleaned_data["categories"],
            **data,
        )
        if done is not None:
            messages.success(request, _("The look-back was drawn."))
            return redirect("inspections:lookback_detail", pk=done.pk)
    return round_detail(request, pk, lookback_form=form)


@require_perm(VIEW)
def lookback_detail(request, pk: int, failed=None):
    lookback = selectors.lookback_get(viewer=request.user, pk=pk)
    checks = list(selectors.check_list(viewer=request.user, lookback=lookback))
    for check in checks:
        check.recheck = selectors.data_recheck(check.task)
    return render(
        request,
        "inspections/lookback_detail.html",
        {
            "lookback": lookback,
            "checks": checks,
            "can_verify": has_perm(request.user, "inspections:task:verify"),
            "can_rerun": has_perm(request.user, "inspections:task:verify")
            and has_perm(request.user, "analytics:run:start"),
            "check_form": CheckForm(),
            "failed": failed,
        },
        status=400 if failed else 200,
    )


@require_perm("inspections:task:verify")
@require_POST
def check_decide(request, pk: int):
    check = selectors.check_get(viewer=request.user, pk=pk)
    request.operation_target = check.task.item
    form = CheckForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, services.check_decide, actor=request.user, check=check, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("inspections:lookback_detail", pk=check.lookback_id)
    form.check_pk = check.pk
    return lookback_detail(request, check.lookback_id, failed=form)


@require_perm("inspections:task:verify")
@require_POST
def check_rerun(request, pk: int):
    check = selectors.check_get(viewer=request.user, pk=pk)
    request.operation_target = check.task.item
    try:
        run = services.check_rerun(actor=request.user, check=check)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Run #%(n)d of the model was queued over the newest data; come back when it has finished."
            )
            % {"n": run.pk},
        )
    return redirect("inspections:lookback_detail", pk=check.lookback_id)


@require_perm(EDIT)
@require_POST
def round_summary(request, pk: int):
    round = selectors.round_get(viewer=request.user, pk=pk)
    request.operation_target = round
    try:
        document = services.round_summary_issue(actor=request.user, round=round)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inspections:round_detail", pk=pk)
    messages.success(request, _("The summary %(serial)s was issued.") % {"serial": document})
    return redirect("documents:document_detail", pk=document.pk)
