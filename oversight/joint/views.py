"""Pages of joint supervision; hand-overs' states, deadlines and timelines are the loop's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, paginate
from oversight.loop import timing
from oversight.measures.registry import Period
from oversight.orgs.access import has_perm, require_perm

from . import selectors, services
from .forms import FindingForm, HandoverForm, PlanForm

VIEW, EDIT, RECORD = "joint:plan:view", "joint:plan:edit", "joint:finding:record"


@require_perm(VIEW)
def plan_list(request, form=None):
    context = {
        "page": paginate(request, selectors.plan_list(viewer=request.user)),
        "form": form or (PlanForm(viewer=request.user) if has_perm(request.user, EDIT) else None),
    }
    if form is not None:
        return render_form(request, "joint/plan_list.html", context, form)
    return render(request, "joint/plan_list.html", context)


@require_perm(EDIT)
@require_POST
def plan_create(request):
    form = PlanForm(request.POST, viewer=request.user)
    if form.is_valid():
        plan = call_service(form, services.plan_create, actor=request.user, **form.cleaned_data)
        if plan:
            request.operation_target = plan
            messages.success(request, _("The joint plan was set up."))
            return redirect("joint:plan_detail", pk=plan.pk)
    return plan_list(request, form=form)


@require_perm(VIEW)
def plan_detail(request, pk: int, **forms):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    department = services.department_in(request.user, plan)
    context = {
        "plan": plan,
        "members": plan.members.order_by("path"),
        "combined": selectors.combined(viewer=request.user, plan=plan),
        "period": Period.containing(timing.today()).key,
        "handovers": selectors.handover_list(viewer=request.user, plan=plan),
        "department": department,
        "can_record": department is not None and has_perm(request.user, RECORD),
        "finding_form": forms.get("finding_form") or FindingForm(plan=plan),
        "handover_form": forms.get("handover_form") or HandoverForm(plan=plan),
        "failed_finding": forms.get("failed_finding"),
        "can_report": plan.lead_id in selectors.departments_of(request.user)
        and has_perm(request.user, "documents:document:issue"),
        "documents": _documents_about(request.user, plan),
    }
    return render(request, "joint/plan_detail.html", context, status=400 if forms else 200)


def _documents_about(viewer, plan):
    from oversight.documents.selectors import documents_about

    return documents_about(viewer=viewer, target=plan)


@require_perm(VIEW)
@require_POST
def report_issue(request, pk: int):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    request.operation_target = plan
    try:
        document = services.report_issue(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("joint:plan_detail", pk=pk)
    messages.success(request, _("The joint report %(serial)s was issued.") % {"serial": document})
    return redirect("documents:document_detail", pk=document.pk)


@require_perm(RECORD)
@require_POST
def finding_record(request, pk: int):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    request.operation_target = plan
    form = FindingForm(request.POST, plan=plan)
    if form.is_valid():
        done = call_service(
            form, services.finding_record, actor=request.user, plan=plan, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("joint:plan_detail", pk=pk)
    return plan_detail(request, pk, finding_form=form)


@require_perm(RECORD)
@require_POST
def handover(request, pk: int):
    finding = selectors.finding_get(viewer=request.user, pk=pk)
    request.operation_target = finding.plan
    form = HandoverForm(request.POST, plan=finding.plan)
    if form.is_valid():
        done = call_service(
            form, services.handover, actor=request.user, finding=finding, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("The finding was handed over."))
            return redirect("joint:plan_detail", pk=finding.plan_id)
    return plan_detail(request, finding.plan_id, handover_form=form, failed_finding=finding.pk)


FINDING_COLUMNS = [
    Column("unit", _lazy("unit"), lambda f: f.unit.name, sort="unit__name"),
    Column(
        "department", _lazy("recorded by"), lambda f: f.department.name, sort="department__name"
    ),
    Column("finding", _lazy("finding"), lambda f: f.description),
    Column("shared", _lazy("shared with the plan"), lambda f: f.shared),
    Column("created", _lazy("recorded"), lambda f: f.created_at.date(), sort="created_at"),
]


@require_perm(VIEW)
def finding_list(request, pk: int):
    plan = selectors.plan_get(viewer=request.user, pk=pk)
    return export_or(
        request,
        selectors.finding_list(viewer=request.user, plan=plan),
        columns=FINDING_COLUMNS,
        filename="joint-findings.xlsx",
        title=_("Joint findings"),
        render=lambda page: render(
            request, "joint/finding_list.html", {"plan": plan, "page": page}
        ),
    )
