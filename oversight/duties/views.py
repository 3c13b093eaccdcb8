"""Pages of duty lists; reports' states, deadlines, evidence and timelines are the loop's."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, paginate
from oversight.loop import selectors as loop_selectors
from oversight.loop import services as loop_services
from oversight.loop import timing
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import assessments, selectors, services
from .forms import (
    AppealForm,
    AreaForm,
    CopyForm,
    DecideForm,
    FreezeForm,
    IssueForm,
    ItemForm,
    ListForm,
    RateForm,
    ReopenForm,
    ScoreForm,
    SettingsForm,
)
from .workflows import is_locked


@require_perm("duties:list:view")
def list_list(request, form=None):
    lists = selectors.list_list(viewer=request.user)
    can_edit = has_perm(request.user, "duties:template:edit")
    context = {
        "page": paginate(request, lists),
        "form": form or (ListForm(viewer=request.user) if can_edit else None),
    }
    if form is not None:
        return render_form(request, "duties/list_list.html", context, form)
    return render(request, "duties/list_list.html", context)


@require_perm("duties:template:edit")
@require_POST
def list_create(request):
    form = ListForm(request.POST, viewer=request.user)
    if form.is_valid():
        duty_list = call_service(
            form, services.list_create, actor=request.user, **form.cleaned_data
        )
        if duty_list:
            request.operation_target = duty_list
            messages.success(request, _("The list was created. Now add its areas and items."))
            return redirect("duties:list_detail", pk=duty_list.pk)
    return list_list(request, form=form)


@require_perm("duties:list:view")
def list_detail(request, pk: int, **forms):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    context = {
        "duty_list": duty_list,
        "areas": selectors.list_tree(duty_list=duty_list),
        "total": duty_list.total_points,
        "unit_lists": selectors.unit_list_list(viewer=request.user, duty_list=duty_list),
        "area_form": forms.get("area_form") or AreaForm(),
        "item_form": forms.get("item_form") or ItemForm(duty_list=duty_list, viewer=request.user),
        "issue_form": forms.get("issue_form") or IssueForm(viewer=request.user),
        "settings_form": forms.get("settings_form")
        or SettingsForm(initial={"copy_threshold": duty_list.copy_threshold}),
        "copy_form": forms.get("copy_form") or CopyForm(initial={"year": duty_list.year + 1}),
        "issued": duty_list.unit_lists.exists(),
    }
    return render(request, "duties/list_detail.html", context, status=400 if forms else 200)


def _on_list(request, pk: int, form_name: str, form, service, **kwargs):
    if form.is_valid():
        done = call_service(form, service, actor=request.user, **kwargs, **form.cleaned_data)
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("duties:list_detail", pk=pk)
    return list_detail(request, pk, **{form_name: form})


@require_perm("duties:template:edit")
@require_POST
def area_add(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    return _on_list(
        request, pk, "area_form", AreaForm(request.POST), services.area_add, duty_list=duty_list
    )


@require_perm("duties:template:edit")
@require_POST
def item_add(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    return _on_list(
        request,
        pk,
        "item_form",
        ItemForm(request.POST, duty_list=duty_list, viewer=request.user),
        services.item_add,
    )


@require_perm("duties:template:edit")
@require_POST
def item_remove(request, pk: int, item_pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    item = get_object_or_404(selectors.items_of(duty_list), pk=item_pk)
    request.operation_target = duty_list
    try:
        services.item_remove(actor=request.user, item=item)
        messages.success(request, _("The duty was removed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("duties:list_detail", pk=pk)


@require_perm("duties:list:issue")
@require_POST
def list_issue(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    form = IssueForm(request.POST, viewer=request.user)
    return _on_list(request, pk, "issue_form", form, services.list_issue, duty_list=duty_list)


@require_perm("duties:template:edit")
@require_POST
def list_settings(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    form = SettingsForm(request.POST)
    return _on_list(request, pk, "settings_form", form, services.list_settings, duty_list=duty_list)


@require_perm("duties:template:edit")
@require_POST
def list_copy(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    form = CopyForm(request.POST)
    if form.is_valid():
        copy = call_service(
            form, services.list_copy, actor=request.user, duty_list=duty_list, **form.cleaned_data
        )
        if copy is not None:
            messages.success(request, _("The list was copied to %(year)d.") % {"year": copy.year})
            return redirect("duties:list_detail", pk=copy.pk)
    return list_detail(request, pk, copy_form=form)


UNIT_LIST_COLUMNS = [
    Column("year", _lazy("year"), lambda u: u.duty_list.year, sort="duty_list__year"),
    Column("list", _lazy("duty list"), lambda u: u.duty_list.title, sort="duty_list__title"),
    Column("unit", _lazy("unit"), lambda u: u.node.name, sort="node__name"),
    Column("signed", _lazy("signed for"), lambda u: u.signed_at, sort="signed_at"),
]


@require_perm("duties:list:view")
def unit_list_list(request):
    unit_lists = selectors.unit_list_list(viewer=request.user)
    return export_or(
        request,
        unit_lists,
        columns=UNIT_LIST_COLUMNS,
        filename="unit-duty-lists.xlsx",
        title=_("Unit duty lists"),
        render=lambda page: render(request, "duties/unit_list_list.html", {"page": page}),
    )


@require_perm("duties:list:view")
def unit_list_detail(request, pk: int):
    unit_list = selectors.unit_list_get(viewer=request.user, pk=pk)
    reports = unit_list.reports.select_related("item", "duty_item", "duty_item__area").order_by(
        "duty_item__area__order", "duty_item__order", "due"
    )
    score = selectors.score_of(unit_list=unit_list)
    return render(
        request,
        "duties/unit_list_detail.html",
        {
            "unit_list": unit_list,
            "reports": reports,
            "score": score,
            "can_sign": unit_list.signed_at is None
            and request.user.org_node_id == unit_list.node_id,
        },
    )


@require_perm("duties:list:view")
@require_POST
def unit_list_sign(request, pk: int):
    unit_list = selectors.unit_list_get(viewer=request.user, pk=pk)
    request.operation_target = unit_list
    try:
        services.unit_list_sign(actor=request.user, unit_list=unit_list)
        messages.success(request, _("Signed for the list."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("duties:unit_list_detail", pk=pk)


@require_perm("duties:list:view")
def report_detail(request, pk: int, score_form=None, reopen_form=None, rate_form=None):
    report = selectors.report_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    supervising = has_perm(request.user, "duties:report:score") and (
        loop_services.SUPERVISING in loop_services.relations(item, request.user)
    )
    context.update(
        {
            "report": report,
            "locked": item.is_open and is_locked(report, timing.today()),
            "can_score": supervising and item.state == "submitted",
            "can_reopen": supervising,
            "check": selectors.report_check(viewer=request.user, report=report)
            if supervising
            else None,
            "score_form": score_form or ScoreForm(duty_item=report.duty_item),
            "reopen_form": reopen_form or ReopenForm(),
            "rate_form": rate_form or RateForm(),
            "ratings": selectors.ratings_of(report=report)
            if report.duty_item.rule == "average"
            else None,
        }
    )
    status = 400 if (score_form or reopen_form or rate_form) is not None else 200
    return render(request, "duties/report_detail.html", context, status=status)


@require_perm("duties:report:score")
@require_POST
def report_score(request, pk: int):
    report = selectors.report_get(viewer=request.user, pk=pk)
    request.operation_target = report.item
    form = ScoreForm(request.POST, duty_item=report.duty_item)
    if form.is_valid():
        done = call_service(
            form, services.report_accept, actor=request.user, report=report, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The report was accepted and scored."))
            return redirect("duties:report_detail", pk=pk)
    return report_detail(request, pk, score_form=form)


@require_perm("duties:report:score")
@require_POST
def report_rate(request, pk: int):
    report = selectors.report_get(viewer=request.user, pk=pk)
    request.operation_target = report.item
    form = RateForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, services.report_rate, actor=request.user, report=report, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Your score was recorded."))
            return redirect("duties:report_detail", pk=pk)
    return report_detail(request, pk, rate_form=form)


@require_perm("duties:report:score")
@require_POST
def report_reopen(request, pk: int):
    report = selectors.report_get(viewer=request.user, pk=pk)
    request.operation_target = report.item
    form = ReopenForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, services.report_reopen, actor=request.user, report=report, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The entry was reopened."))
            return redirect("duties:report_detail", pk=pk)
    return report_detail(request, pk, reopen_form=form)


RANKING_COLUMNS = [
    Column("rank", _lazy("rank among units of its type"), lambda s: s.rank),
    Column("unit", _lazy("unit"), lambda s: s.node.name),
    Column("percent", _lazy("score so far (%)"), lambda s: s.percent),
    Column("earned", _lazy("points earned"), lambda s: s.earned),
    Column("possible", _lazy("points that could be earned"), lambda s: s.possible),
    Column("documented", _lazy("reports made"), lambda s: s.documented),
    Column("late", _lazy("reports late"), lambda s: s.late),
    Column("missing", _lazy("reports missing"), lambda s: s.missing),
]


@require_perm("duties:list:view")
def ranking(request):
    lists = list(selectors.list_list(viewer=request.user).filter(units__gt=0))
    chosen = next((d for d in lists if str(d.pk) == request.GET.get("list", "")), None)
    chosen = chosen or (lists[0] if lists else None)
    rows = (
        selectors.scores(viewer=request.user, duty_list=chosen, with_items=False) if chosen else []
    )
    return export_or(
        request,
        rows,
        columns=RANKING_COLUMNS,
        filename="duty-ranking.xlsx",
        title=_("Live ranking"),
        render=lambda page: render(
            request,
            "duties/ranking.html",
            {
                "page": page,
                "lists": lists,
                "chosen": chosen,
                "distribution": selectors.score_distribution(rows),
                "progress": (
                    selectors.progress(viewer=request.user, duty_list=chosen)
                    | {"labels": [_("reports due"), _("made on time"), _("accepted")]}
                )
                if chosen
                else None,
            },
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_lazy("Excel file (.xlsx)"))


@require_perm("duties:template:edit")
def items_import(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    if request.GET.get("template"):
        return template_response(
            filename="duty-items-template.xlsx",
            title=_("Import duties"),
            headers=[str(label) for _key, label in services.IMPORT_COLUMNS],
            example=[
                "党风廉政教育",
                "每季度开展一次专题学习",
                "",
                "会议记录、照片",
                "10",
                "quarterly",
                "",
                "10",
                "per_occurrence",
                "",
                "per=5; cap=10",
                "",
            ],  # fmt: skip
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        request.operation_target = duty_list
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.IMPORT_COLUMNS, services.IMPORT_REQUIRED
            )
            created = services.items_import(actor=request.user, duty_list=duty_list, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(count)d rows were imported.") % {"count": created})
            return redirect("duties:list_detail", pk=pk)
    spec = {"title": _("Import duties")}
    return render(
        request,
        "orgs/import.html",
        {"form": form, "errors": errors, "spec": spec, "duty_list": duty_list},
        status=400 if errors or form.errors else 200,
    )


# --- the year-end assessment -------------------------------------------------------------------

RESULT_COLUMNS = [
    Column("unit", _lazy("unit"), lambda r: r.node.name),
    Column("type", _lazy("unit type"), lambda r: r.node.get_type_display()),
    Column("rank", _lazy("rank among units of its type"), lambda r: r.rank),
    Column("percent", _lazy("score (%)"), lambda r: r.percent),
    Column("earned", _lazy("points earned"), lambda r: r.earned),
    Column("possible", _lazy("points that could be earned"), lambda r: r.possible),
    Column("vetoed", _lazy("vetoed"), lambda r: _("yes") if r.vetoed else ""),
    Column("grade", _lazy("grade"), lambda r: r.get_grade_display()),
    Column("documented", _lazy("reports made"), lambda r: r.documented),
    Column("late", _lazy("reports late"), lambda r: r.late),
    Column("missing", _lazy("reports missing"), lambda r: r.missing),
    Column(
        "appeal",
        _lazy("appeal"),
        lambda r: r.appeal.get_state_display() if r.appeal_id else "",
    ),
]


@require_perm("duties:list:view")
def assessment(request, pk: int, freeze_form=None):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    frozen = selectors.assessment_of(viewer=request.user, duty_list=duty_list)
    rows = selectors.result_list(viewer=request.user, assessment=frozen) if frozen else []
    manage = has_perm(request.user, "duties:assessment:manage")
    return export_or(
        request,
        rows,
        columns=RESULT_COLUMNS,
        filename=f"duty-assessment-{duty_list.year}.xlsx",
        title=_("Year-end assessment"),
        render=lambda page: render(
            request,
            "duties/assessment.html",
            {
                "duty_list": duty_list,
                "assessment": frozen,
                "page": page,
                "manage": manage,
                "freeze_form": freeze_form or FreezeForm(),
            },
            status=400 if freeze_form is not None else 200,
        ),
    )


@require_perm("duties:assessment:manage")
@require_POST
def assessment_freeze(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    request.operation_target = duty_list
    form = FreezeForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            assessments.assessment_freeze,
            actor=request.user,
            duty_list=duty_list,
            **form.service_kwargs(),
        )
        if done is not None:
            messages.success(request, _("The year's results were frozen and graded."))
            return redirect("duties:assessment", pk=pk)
    return assessment(request, pk, freeze_form=form)


@require_perm("duties:assessment:manage")
@require_POST
def assessment_publish(request, pk: int):
    duty_list = selectors.list_get(viewer=request.user, pk=pk)
    frozen = selectors.assessment_of(viewer=request.user, duty_list=duty_list)
    if frozen is None:
        raise Http404
    request.operation_target = frozen
    try:
        assessments.assessment_publish(actor=request.user, assessment=frozen)
        messages.success(request, _("The result document and the circular were issued."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("duties:assessment", pk=pk)


@require_perm("duties:list:view")
def result_detail(request, pk: int, appeal_form=None, decide_form=None):
    result = selectors.result_get(viewer=request.user, pk=pk)
    items = {i.pk: i for i in selectors.items_of(result.assessment.duty_list)}
    points = [(items.get(int(k)), v) for k, v in result.items.items()]
    context = {
        "result": result,
        "points": sorted(points, key=lambda p: (p[0] is None, p[0] and p[0].area.order)),
        "can_appeal": request.user.org_node_id == result.node_id
        and result.appeal_id is None
        and timing.today() <= result.assessment.appeal_until,
        "can_decide": result.appeal_id is not None
        and result.appeal.state == "lodged"
        and has_perm(request.user, "duties:assessment:manage"),
        "appeal_form": appeal_form or AppealForm(),
        "decide_form": decide_form or DecideForm(),
    }
    status = 400 if (appeal_form or decide_form) is not None else 200
    return render(request, "duties/result_detail.html", context, status=status)


@require_perm("duties:list:view")
@require_POST
def appeal_lodge(request, pk: int):
    result = selectors.result_get(viewer=request.user, pk=pk)
    request.operation_target = result
    form = AppealForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, assessments.appeal_lodge, actor=request.user, result=result, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The appeal was lodged."))
            return redirect("duties:result_detail", pk=pk)
    return result_detail(request, pk, appeal_form=form)


@require_perm("duties:assessment:manage")
@require_POST
def appeal_decide(request, pk: int):
    result = selectors.result_get(viewer=request.user, pk=pk)
    request.operation_target = result
    form = DecideForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, assessments.appeal_decide, actor=request.user, result=result, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The appeal was decided."))
            return redirect("duties:result_detail", pk=pk)
    return result_detail(request, pk, decide_form=form)
