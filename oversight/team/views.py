"""Pages of the supervisors' own work; a taken task's report, verification and timeline are
the loop's item page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import xlsx_response
from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, paginate, wants_export
from oversight.loop import timing
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import (
    AssignForm,
    BoardFilterForm,
    ChainYearForm,
    PoolFilterForm,
    ProfileCreateForm,
    ProfileForm,
    TargetForm,
    TaskForm,
)
from .models import Claim, Target, Task


def _tags_text(values, labels) -> str:
    return "、".join(labels.get(v, v) for v in values)


# --- profiles and the talent pool --------------------------------------------------------------


@require_perm("team:profile:view")
def profile_list(request):
    form = PoolFilterForm(request.GET or None)
    filters = selectors.PoolFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.PoolFilters(
            tag=d["tag"], search=d["search"].strip(), max_load=d["max_load"]
        )
    profiles = selectors.profile_list(viewer=request.user, filters=filters)
    labels = selectors.specialty_labels()
    columns = [
        Column("name", _lazy("officer"), lambda p: p.person.name, sort="person__name"),
        Column(
            "unit", _lazy("unit"), lambda p: p.person.org_node.name, sort="person__org_node__path"
        ),
        Column("tags", _lazy("specialties"), lambda p: _tags_text(p.tag_values, labels)),
        Column("load", _lazy("open items"), lambda p: p.load, sort="load"),
        Column("points", _lazy("points"), lambda p: p.points, sort="points"),
    ]
    return export_or(
        request,
        profiles,
        columns=columns,
        filename="talent-pool.xlsx",
        title=_("Talent pool"),
        render=lambda page: render(
            request,
            "team/profile_list.html",
            {
                "page": page,
                "form": form,
                "labels": labels,
                "can_edit": has_perm(request.user, "team:profile:edit"),
            },
            status=400 if form.is_bound and form.errors else 200,
        ),
    )


@require_perm("team:profile:edit")
def profile_create(request):
    form = ProfileCreateForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        profile = call_service(form, services.profile_save, actor=request.user, **form.cleaned_data)
        if profile is not None:
            request.operation_target = profile
            messages.success(request, _("The profile was saved."))
            return redirect("team:profile_detail", pk=profile.pk)
    return render_form(request, "team/profile_form.html", {"form": form}, form)


@require_perm("team:profile:view")
def profile_detail(request, pk: int, form=None):
    profile = selectors.profile_get(viewer=request.user, pk=pk)
    can_edit = has_perm(request.user, "team:profile:edit")
    if form is None and can_edit:
        form = ProfileForm(
            initial={
                "tags": profile.tag_values,
                "certificates": profile.certificates,
                "summary": profile.summary,
            }
        )
    context = {
        "profile": profile,
        "labels": selectors.specialty_labels(),
        "record": selectors.profile_record(profile=profile),
        "claims": profile.claims.select_related("task", "item").order_by("-created_at"),
        "form": form if can_edit else None,
    }
    return (
        render_form(request, "team/profile_detail.html", context, form)
        if form
        else render(request, "team/profile_detail.html", context)
    )


@require_perm("team:profile:edit")
@require_POST
def profile_edit(request, pk: int):
    profile = selectors.profile_get(viewer=request.user, pk=pk)
    request.operation_target = profile
    form = ProfileForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.profile_save,
            actor=request.user,
            person=profile.person,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, _("The profile was saved."))
            return redirect("team:profile_detail", pk=pk)
    return profile_detail(request, pk, form=form)


# --- the task board ----------------------------------------------------------------------------


@require_perm("team:task:claim")
def task_list(request, form=None):
    filter_form = BoardFilterForm(request.GET or None)
    filters = selectors.BoardFilters()
    if filter_form.is_bound and filter_form.is_valid():
        filters = selectors.BoardFilters(**filter_form.cleaned_data)
    tasks = selectors.task_list(viewer=request.user, filters=filters, today=timing.today())
    can_publish = has_perm(request.user, "team:task:publish")
    context = {
        "page": paginate(request, tasks),
        "filter_form": filter_form,
        "labels": selectors.specialty_labels(),
        "today": timing.today(),
        "form": form or (TaskForm(viewer=request.user) if can_publish else None),
    }
    if form is not None:
        return render_form(request, "team/task_list.html", context, form)
    return render(request, "team/task_list.html", context)


@require_perm("team:task:publish")
@require_POST
def task_publish(request):
    form = TaskForm(request.POST, viewer=request.user)
    if form.is_valid():
        task = call_service(form, services.task_publish, actor=request.user, **form.cleaned_data)
        if task is not None:
            request.operation_target = task
            messages.success(request, _("The task is on the board."))
            return redirect("team:task_detail", pk=task.pk)
    return task_list(request, form=form)


def _publishes(user, task: Task) -> bool:
    return has_perm(user, "team:task:publish") and user.org_node.path.startswith(
        task.publisher_node.path
    )


@require_perm("team:task:claim")
def task_detail(request, pk: int, assign_form=None):
    task = selectors.task_get(viewer=request.user, pk=pk)
    profile = selectors.profile_of(request.user)
    claims = list(selectors.task_claims(task=task))
    mine = next((c for c in claims if profile and c.profile_id == profile.pk), None)
    publishes = _publishes(request.user, task)
    open_ = task.deadline >= timing.today() and task.taken < task.places
    suggested = selectors.suggestions(viewer=request.user, task=task) if publishes else []
    context = {
        "task": task,
        "labels": selectors.specialty_labels(),
        "taken": [c for c in claims if c.state == Claim.State.ACCEPTED],
        "applications": [c for c in claims if c.state == Claim.State.APPLIED],
        "mine": mine,
        "fits": selectors.fits(profile, task),
        "can_claim": profile is not None
        and mine is None
        and open_
        and task.mode != Task.Mode.ASSIGN
        and selectors.fits(profile, task),
        "publishes": publishes,
        "open": open_,
        "suggested": suggested,
        "assign_form": assign_form or (AssignForm(suggested=suggested) if suggested else None),
    }
    return render(request, "team/task_detail.html", context, status=400 if assign_form else 200)


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@require_perm("team:task:claim")
@require_POST
def task_claim(request, pk: int):
    task = selectors.task_get(viewer=request.user, pk=pk)
    request.operation_target = task
    try:
        claim = services.task_claim(actor=request.user, task=task)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("team:task_detail", pk=pk)
    if claim.state == Claim.State.ACCEPTED:
        messages.success(request, _("The task is yours: report on it from its work item."))
    else:
        messages.success(request, _("You applied; the publisher will choose."))
    return redirect("team:task_detail", pk=pk)


@require_perm("team:task:publish")
@require_POST
def claim_choose(request, pk: int):
    claim = get_object_or_404(Claim, pk=pk, task__in=selectors.task_list(viewer=request.user))
    request.operation_target = claim.task
    try:
        services.claim_choose(actor=request.user, claim=claim)
        messages.success(request, _("The applicant was chosen."))
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("team:task_detail", pk=claim.task_id)


@require_perm("team:task:publish")
@require_POST
def task_assign(request, pk: int):
    task = selectors.task_get(viewer=request.user, pk=pk)
    request.operation_target = task
    form = AssignForm(request.POST, suggested=selectors.suggestions(viewer=request.user, task=task))
    if form.is_valid():
        done = call_service(
            form, services.task_assign, actor=request.user, task=task, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The task was assigned."))
            return redirect("team:task_detail", pk=pk)
    return task_detail(request, pk, assign_form=form)


# --- the assessment chain ----------------------------------------------------------------------


@require_perm("team:profile:view")
def chain(request, form=None):
    year_form = ChainYearForm(request.GET or None)
    year = timing.today().year
    if year_form.is_bound:
        if not year_form.is_valid():
            return render(
                request, "team/chain.html", {"year_form": year_form, "rows": []}, status=400
            )
        year = year_form.cleaned_data["year"]
    rows = selectors.chain(viewer=request.user, year=year)
    metrics = Target.Metric.choices
    if wants_export(request):
        headers = [_("rank"), _("officer"), _("unit")]
        for _value, label in metrics:
            headers += [f"{label} · {_('target')}", f"{label} · {_('done')}"]
        headers.append(_("completion (%)"))
        return xlsx_response(
            filename=f"assessment-chain-{year}.xlsx",
            title=_("Assessment chain %(year)d") % {"year": year},
            headers=headers,
            rows=(
                [
                    r.rank,
                    r.profile.person.name,
                    r.profile.person.org_node.name,
                    *[v for target, done, _p in r.cells for v in (target, done)],
                    r.completion,
                ]
                for r in rows
            ),
        )
    frozen = rows[0].freeze if rows and rows[0].freeze is not None else None
    can_set = has_perm(request.user, "team:target:set") and frozen is None
    context = {
        "year": year,
        "frozen": frozen,
        "can_freeze": frozen is None
        and rows
        and year <= timing.today().year
        and has_perm(request.user, "team:chain:freeze"),
        "year_form": year_form if year_form.is_bound else ChainYearForm(initial={"year": year}),
        "rows": rows,
        "teams": selectors.chain_teams(rows),
        "metrics": metrics,
        "form": form
        or (TargetForm(viewer=request.user, initial={"year": year}) if can_set else None),
    }
    if form is not None:
        return render_form(request, "team/chain.html", context, form)
    return render(request, "team/chain.html", context)


@require_perm("team:chain:freeze")
@require_POST
def chain_freeze(request):
    """Freeze the year shown (the year-end result); the page then shows the frozen copy."""
    form = ChainYearForm(request.POST)
    if not form.is_valid():
        return render(
            request, "team/chain.html", {"year_form": form, "rows": [], "metrics": []}, status=400
        )
    year = form.cleaned_data["year"]
    try:
        freeze = services.chain_freeze(actor=request.user, year=year)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        request.operation_target = freeze
        messages.success(request, _("The year %(year)d of the chain was frozen.") % {"year": year})
    return redirect(f"{reverse('team:chain')}?year={year}")


@require_perm("team:target:set")
@require_POST
def target_set(request):
    form = TargetForm(request.POST, viewer=request.user)
    if form.is_valid():
        target = call_service(form, services.target_set, actor=request.user, **form.cleaned_data)
        if target is not None:
            request.operation_target = target
            messages.success(request, _("The target was set."))
            return redirect(f"{reverse('team:chain')}?year={target.year}")
    return chain(request, form=form)
