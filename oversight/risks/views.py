"""Pages of integrity risks: the catalogue (with its Excel import and its assignments to
posts), the rules, the reminders (their states, deadlines and timelines are the loop's), the
reminder talks and the risk map. Views stay thin: forms check, services write, selectors read."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or
from oversight.loop import selectors as loop_selectors
from oversight.loop import timing
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import rules, selectors, services
from .forms import (
    AssignmentForm,
    ImportForm,
    MapForm,
    PointFilterForm,
    PointForm,
    ReminderFilterForm,
    RuleForm,
    TalkForm,
)
from .models import Level, RiskRule

VIEW, EDIT, CONFIRM = "risks:view", "risks:catalogue:edit", "risks:reminder:confirm"

POINT_COLUMNS = [
    Column("category", _lazy("post category"), lambda p: p.get_category_display(), "category"),
    Column("name", _lazy("risk"), lambda p: p.name, sort="name"),
    Column("description", _lazy("description"), lambda p: p.description),
    Column("prevention", _lazy("prevention measures"), lambda p: p.prevention),
    Column("indicator", _lazy("monitoring indicator"), lambda p: p.indicator),
    Column("level", _lazy("level"), lambda p: p.get_level_display(), sort="level"),
    Column("active", _lazy("active"), lambda p: _("yes") if p.active else _("no"), "active"),
]


@require_perm(VIEW)
def point_list(request, form=None):
    filters = PointFilterForm(request.GET or None)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    points = selectors.point_list(
        category=cleaned.get("category") or "",
        level=cleaned.get("level") or "",
        search=cleaned.get("search") or "",
    )
    can_edit = has_perm(request.user, EDIT)

    def page(page):
        context = {
            "page": page,
            "filters": filters,
            "form": form or (PointForm() if can_edit else None),
        }
        if form is not None:
            return render_form(request, "risks/point_list.html", context, form)
        return render(request, "risks/point_list.html", context)

    return export_or(
        request,
        points,
        columns=POINT_COLUMNS,
        filename="risk-points.xlsx",
        title=_("Integrity risk points"),
        render=page,
    )


@require_perm(EDIT)
@require_POST
def point_create(request):
    form = PointForm(request.POST)
    if form.is_valid():
        point = call_service(
            form, services.point_save, actor=request.user, point=None, **form.cleaned_data
        )
        if point is not None:
            request.operation_target = point
            messages.success(request, _("The risk point was added to the catalogue."))
            return redirect("risks:point_detail", pk=point.pk)
    return point_list(request, form=form)


@require_perm(VIEW)
def point_detail(request, pk: int, **forms):
    point = selectors.point_get(pk=pk)
    can_edit = has_perm(request.user, EDIT)
    initial = {
        f: getattr(point, f)
        for f in ("category", "name", "description", "prevention", "indicator", "level", "active")
    }
    context = {
        "point": point,
        "assignments": selectors.assignment_list(viewer=request.user, point=point),
        "can_edit": can_edit,
        "form": forms.get("form") or (PointForm(initial=initial) if can_edit else None),
        "assign_form": forms.get("assign_form")
        or (AssignmentForm(viewer=request.user) if can_edit else None),
    }
    return render(request, "risks/point_detail.html", context, status=400 if forms else 200)


@require_perm(EDIT)
@require_POST
def point_edit(request, pk: int):
    point = selectors.point_get(pk=pk)
    request.operation_target = point
    form = PointForm(request.POST)
    if form.is_valid():
        done = call_service(
            form, services.point_save, actor=request.user, point=point, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("risks:point_detail", pk=pk)
    return point_detail(request, pk, form=form)


@require_perm(EDIT)
@require_POST
def assignment_add(request, pk: int):
    point = selectors.point_get(pk=pk)
    request.operation_target = point
    form = AssignmentForm(request.POST, viewer=request.user)
    if form.is_valid():
        done = call_service(
            form, services.assignment_add, actor=request.user, point=point, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The risk point was assigned."))
            return redirect("risks:point_detail", pk=pk)
    return point_detail(request, pk, assign_form=form)


@require_perm(EDIT)
@require_POST
def assignment_remove(request, pk: int):
    assignment = get_object_or_404(
        selectors.assignment_list(viewer=request.user), pk=pk
    )  # 404 outside the scope
    point_id = assignment.point_id
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(request, _("The assignment was removed."))
    return redirect("risks:point_detail", pk=point_id)


@require_perm(EDIT)
def points_import(request):
    if request.GET.get("template"):
        return template_response(
            filename="risk-points.xlsx",
            title=_("Integrity risk points"),
            headers=[label for _key, label in services.POINT_COLUMNS],
            example=[
                _("Finance"),
                "虚列支出套取资金",
                "以虚假票据报销，套取财政资金",
                "票据审核双人复核，大额支出集体研究",
                "报销退单率",
                _("High"),
            ],
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.POINT_COLUMNS, services.POINT_REQUIRED
            )
            created = services.points_import(actor=request.user, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(n)d risk points imported.") % {"n": created})
            return redirect("risks:point_list")
    status = 400 if errors or form.errors else 200
    spec = {"title": _("Import risk points")}
    return render(
        request, "orgs/import.html", {"form": form, "errors": errors, "spec": spec}, status=status
    )


# --- rules -------------------------------------------------------------------------------------


@require_perm(EDIT)
def rule_list(request, failed=None):
    rows = []
    for rule in selectors.rule_list():
        form = (failed or {}).get(rule.pk) or RuleForm(
            initial={
                "params": json.dumps(rule.params, ensure_ascii=False),
                "level": rule.level,
                "active": rule.active,
            },
            prefix=f"r{rule.pk}",
        )
        spec = rules.PARAMS.get(rule.kind, {})
        rows.append({"rule": rule, "form": form, "params": sorted(spec)})
    return render(request, "risks/rule_list.html", {"rows": rows}, status=400 if failed else 200)


@require_perm(EDIT)
@require_POST
def rule_edit(request, pk: int):
    rule = get_object_or_404(RiskRule, pk=pk)
    request.operation_target = rule
    form = RuleForm(request.POST, prefix=f"r{rule.pk}")
    if form.is_valid():
        done = call_service(
            form, services.rule_save, actor=request.user, rule=rule, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("risks:rule_list")
    return rule_list(request, failed={rule.pk: form})


# --- reminders ---------------------------------------------------------------------------------

REMINDER_COLUMNS = [
    Column("fired_on", _lazy("fired on"), lambda r: r.fired_on, sort="fired_on"),
    Column("level", _lazy("level"), lambda r: r.get_level_display(), sort="level"),
    Column("unit", _lazy("unit"), lambda r: r.node.name, sort="node__path"),
    Column("person", _lazy("cadre"), lambda r: r.person.name if r.person else ""),
    Column("rule", _lazy("rule"), lambda r: r.rule.name, sort="rule__code"),
    Column("facts", _lazy("what the rule found"), lambda r: r.facts),
    Column("state", _lazy("state"), lambda r: r.item.state_label, sort="item__state"),
    Column("light", _lazy("light"), lambda r: r.item.get_light_display(), sort="item__light"),
]


@require_perm(VIEW)
def reminder_list(request):
    filters = ReminderFilterForm(request.GET or None, viewer=request.user)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    reminders = selectors.reminder_list(
        viewer=request.user,
        node=cleaned.get("node"),
        level=cleaned.get("level") or "",
        rule=cleaned.get("rule"),
        open_only=bool(cleaned.get("open_only")),
    )
    return export_or(
        request,
        reminders,
        columns=REMINDER_COLUMNS,
        filename="risk-reminders.xlsx",
        title=_("Integrity risk reminders"),
        render=lambda page: render(
            request, "risks/reminder_list.html", {"page": page, "filters": filters}
        ),
    )


@require_perm(VIEW)
def reminder_detail(request, pk: int, talk_form=None):
    reminder = selectors.reminder_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["reminder"] = reminder
    context["talks"] = selectors.talk_list(viewer=request.user).filter(reminder=reminder)
    context["can_talk"] = has_perm(request.user, CONFIRM) and reminder.person_id is not None
    context["talk_form"] = talk_form or TalkForm(initial={"held_on": timing.today()})
    if talk_form is not None:
        return render_form(request, "risks/reminder_detail.html", context, talk_form)
    return render(request, "risks/reminder_detail.html", context)


@require_perm(CONFIRM)
@require_POST
def talk_add(request, pk: int):
    reminder = selectors.reminder_get(viewer=request.user, pk=pk)
    request.operation_target = reminder
    form = TalkForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.talk_record,
            actor=request.user,
            person=reminder.person,
            reminder=reminder,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The reminder talk was recorded."))
            return redirect("risks:reminder_detail", pk=pk)
    return reminder_detail(request, pk, talk_form=form)


# --- the risk map ------------------------------------------------------------------------------


@require_perm(VIEW)
def risk_map(request):
    form = MapForm(request.GET or None, viewer=request.user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    period, rows = selectors.risk_map(
        viewer=request.user,
        on=timing.today(),
        kind=cleaned.get("kind") or "quarter",
        parent=cleaned.get("parent"),
    )
    context = {"form": form, "period": period, "rows": rows, "levels": Level.choices}
    return render(
        request,
        "risks/risk_map.html",
        context,
        status=200 if form.is_valid() or not request.GET else 400,
    )
