"""Staff pages of complaints: the list and export, the complaint page with its steps and the
actions beside them, and the dissatisfaction ledger."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or, export_response
from oversight.loop import services as loop
from oversight.loop.forms import TransitionForm
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from .. import hooks, selectors, services
from ..forms import (
    ApproveForm,
    AskForm,
    ComplaintFilterForm,
    DraftForm,
    IdentityForm,
    LinkForm,
    PublishForm,
    ReturnVisitForm,
    RouteForm,
)
from ..models import Complaint

OWN_FORMS = {"route": RouteForm, "draft": DraftForm, "approve": ApproveForm}


def _filters(form: ComplaintFilterForm) -> selectors.ComplaintFilters:
    if not form.is_valid():
        return selectors.ComplaintFilters()
    data = form.cleaned_data
    return selectors.ComplaintFilters(
        state=data.get("state") or "",
        search=data.get("q") or "",
        repeats=bool(data.get("repeats")),
        named={"yes": True, "no": False}.get(data.get("named") or ""),
    )


COMPLAINT_COLUMNS = [
    Column("number", _lazy("number"), lambda c: c.reference, sort="pk"),
    Column("received", _lazy("received"), lambda c: c.received_on, sort="received_on"),
    Column("title", _lazy("title"), lambda c: c.item.title, sort="item__title"),
    Column("state", _lazy("state"), lambda c: c.item.state_label, sort="item__state"),
    Column("power_item", _lazy("small-power item"), lambda c: c.power_item.name if c.power_item else ""),
    Column("subject", _lazy("unit concerned"), lambda c: c.subject_node.name if c.subject_node else ""),
    Column(
        "unit", _lazy("responsible unit"), lambda c: c.item.responsible_node.name,
        sort="item__responsible_node__name",
    ),
    Column("deadline", _lazy("step deadline"), lambda c: c.item.deadline, sort="item__step_deadline"),
    Column("reply_due", _lazy("reply due"), lambda c: c.reply_deadline, sort="reply_deadline"),
    Column("replied", _lazy("replied"), lambda c: c.replied_at.date() if c.replied_at else None),
    Column(
        "rating", _lazy("rating"),
        lambda c: "" if c.satisfied is None else (_("satisfied") if c.satisfied else _("dissatisfied")),
    ),
    Column("named", _lazy("named"), lambda c: _("named") if c.named else _("anonymous")),
    Column("repeat_of", _lazy("repeat of"), lambda c: c.repeat_of.reference if c.repeat_of_id else ""),
]  # fmt: skip


def _complaints(request):
    form = ComplaintFilterForm(request.GET or None)
    complaints = selectors.complaint_list(viewer=request.user, filters=_filters(form))
    return form, complaints.select_related("repeat_of")


@require_perm("public:complaint:view")
def complaint_list(request):
    form, complaints = _complaints(request)
    return export_or(
        request, complaints, columns=COMPLAINT_COLUMNS, filename="complaints.xlsx",
        title=_("Complaints"), export_perm="public:complaint:export",
        render=lambda page: render(
            request, "public/staff/complaint_list.html", {"page": page, "form": form}
        ),
    )  # fmt: skip


@require_perm("public:complaint:export")
def complaint_export(request):
    _form, complaints = _complaints(request)
    return export_response(
        request, complaints, columns=COMPLAINT_COLUMNS, filename="complaints.xlsx",
        title=_("Complaints"),
    )  # fmt: skip


def _detail(request, complaint: Complaint, *, status: int = 200, identity=None, **forms):
    item = complaint.item
    context = detail_context(request, item, transition_form=forms.get("transition_form"))
    own = [t for t in context["transitions"] if t.name in OWN_FORMS]
    # Every step posts to this module's views, which read the complaint through its own scope.
    context["steps"] = [t for t in context["transitions"] if t.name not in OWN_FORMS]
    context["transitions"] = []
    relation = loop.relations(item, request.user)
    context.update(
        {
            "complaint": complaint,
            "own_steps": {t.name for t in own},
            "route_form": forms.get("route_form")
            or RouteForm(initial={"node": hooks.default_route(complaint)}),
            "draft_form": forms.get("draft_form")
            or DraftForm(initial={"reply": complaint.reply_draft}),
            "approve_form": forms.get("approve_form")
            or ApproveForm(
                initial={
                    "reply": complaint.reply_draft,
                    "public_text": services.anonymise(complaint.reply_draft),
                }
            ),
            "publish_form": forms.get("publish_form")
            or PublishForm(
                initial={"publish": complaint.published, "public_text": complaint.public_text}
            ),
            "ask_form": forms.get("ask_form") or AskForm(),
            "identity_form": forms.get("identity_form") or IdentityForm(),
            "link_form": forms.get("link_form") or LinkForm(),
            "visit_form": forms.get("visit_form") or ReturnVisitForm(),
            "identity": identity,
            "can_identity": complaint.named and has_perm(request.user, "public:identity:view"),
            "can_talk": bool({loop.RESPONSIBLE, loop.SUPERVISING} & relation),
            "can_publish": complaint.replied_at is not None
            and has_perm(request.user, "public:complaint:review"),
            "public_messages": complaint.messages.select_related("author"),
            "related": selectors.complaint_related(viewer=request.user, complaint=complaint),
            "attachments": item.attachments.all(),
            "identity_views": complaint.identity_views.select_related("viewer")[:20]
            if has_perm(request.user, "public:identity:view")
            else [],
            "dissatisfaction": getattr(complaint, "dissatisfaction", None),
        }
    )
    return render(request, "public/staff/complaint_detail.html", context, status=status)


@require_perm("public:complaint:view")
def complaint_detail(request, pk: int):
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    return _detail(request, complaint)


@require_POST
@require_perm("public:complaint:view")
def complaint_step(request, pk: int, name: str):
    """A plain step (comment and files) of the complaint's workflow."""
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    if name in OWN_FORMS:
        raise Http404
    form = TransitionForm(request.POST, request.FILES)
    if (
        form.is_valid()
        and call_service(
            form,
            loop.item_transition,
            item=complaint.item,
            name=name,
            actor=request.user,
            **form.cleaned_data,
        )
        is not None
    ):
        request.operation_target = complaint.item
        messages.success(request, _("Done."))
        return redirect("public_staff:complaint_detail", pk=pk)
    return _detail(request, complaint, status=400, transition_form=form)


def _form_step(request, pk: int, name: str, form_name: str, data_from):
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    form = OWN_FORMS[name](request.POST)
    if form.is_valid():
        comment, data = data_from(form.cleaned_data)
        if (
            call_service(
                form,
                loop.item_transition,
                item=complaint.item,
                name=name,
                actor=request.user,
                comment=comment,
                data=data,
            )
            is not None
        ):
            request.operation_target = complaint.item
            messages.success(request, _("Done."))
            return redirect("public_staff:complaint_detail", pk=pk)
    return _detail(request, complaint, status=400, **{form_name: form})


@require_POST
@require_perm("public:complaint:accept")
def complaint_route(request, pk: int):
    return _form_step(
        request,
        pk,
        "route",
        "route_form",
        lambda d: (d.get("comment") or "", {"node": d["node"].pk}),
    )


@require_POST
@require_perm("public:complaint:handle")
def complaint_draft(request, pk: int):
    return _form_step(
        request, pk, "draft", "draft_form", lambda d: (d["reply"], {"reply": d["reply"]})
    )


@require_POST
@require_perm("public:complaint:review")
def complaint_approve(request, pk: int):
    return _form_step(
        request,
        pk,
        "approve",
        "approve_form",
        lambda d: (
            "",
            {
                "reply": d["reply"],
                "publish": d["publish"],
                "public_text": d.get("public_text") or "",
            },
        ),
    )


def _simple_action(request, pk: int, form_class, form_name: str, service, success: str, **extra):
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    form = form_class(request.POST)
    if (
        form.is_valid()
        and call_service(
            form, service, complaint=complaint, actor=request.user, **form.cleaned_data, **extra
        )
        is not None
    ):
        request.operation_target = complaint.item
        messages.success(request, success)
        return redirect("public_staff:complaint_detail", pk=pk)
    return _detail(request, complaint, status=400, **{form_name: form})


@require_POST
@require_perm("public:complaint:view")
def complaint_ask(request, pk: int):
    return _simple_action(
        request, pk, AskForm, "ask_form", services.complaint_ask, _("The question was sent.")
    )


@require_POST
@require_perm("public:complaint:view")
def complaint_visit(request, pk: int):
    return _simple_action(
        request,
        pk,
        ReturnVisitForm,
        "visit_form",
        services.return_visit_record,
        _("The return visit was recorded."),
    )


@require_POST
@require_perm("public:complaint:review")
def complaint_publish(request, pk: int):
    return _simple_action(
        request, pk, PublishForm, "publish_form", services.reply_publish, _("Saved.")
    )


@require_POST
@require_perm("public:complaint:view")
def complaint_link(request, pk: int):
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        other = (
            selectors.complaint_list(viewer=request.user)
            .filter(reference=form.cleaned_data["other"].strip())
            .first()
        )
        if other is None:
            form.add_error("other", _("No complaint with this number is visible to you."))
        elif call_service(
            form, services.complaint_link, complaint=complaint, other=other, actor=request.user
        ):
            messages.success(request, _("The complaints were linked."))
            return redirect("public_staff:complaint_detail", pk=pk)
    return _detail(request, complaint, status=400, link_form=form)


@require_POST
@require_perm("public:complaint:view")
def complaint_unlink(request, pk: int):
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    services.complaint_unlink(complaint=complaint, actor=request.user)
    return redirect("public_staff:complaint_detail", pk=pk)


@require_POST
@require_perm("public:identity:view")
def complaint_identity(request, pk: int):
    """Show the reporter's identity on this response only; the viewing and its reason are recorded."""
    complaint = selectors.complaint_get(viewer=request.user, pk=pk)
    form = IdentityForm(request.POST)
    identity = None
    if form.is_valid():
        identity = call_service(
            form,
            services.identity_reveal,
            complaint=complaint,
            viewer=request.user,
            reason=form.cleaned_data["reason"],
        )
    request.operation_target = complaint.item
    response = _detail(
        request, complaint, status=200 if identity else 400, identity=identity, identity_form=form
    )
    response["Cache-Control"] = "no-store"
    return response


DISSATISFACTION_COLUMNS = [
    Column("number", _lazy("number"), lambda d: d.complaint.reference),
    Column("recorded", _lazy("recorded"), lambda d: d.recorded_on, sort="recorded_on"),
    Column("unit", _lazy("department"), lambda d: d.responsible_node.name, sort="responsible_node__name"),
    Column("reason", _lazy("reason given"), lambda d: d.reason),
    Column("finding", _lazy("finding"), lambda d: d.get_finding_display(), sort="finding"),
    Column("conclusion", _lazy("conclusion"), lambda d: d.conclusion),
]  # fmt: skip


@require_perm("public:complaint:view")
def dissatisfaction_list(request):
    rows = selectors.dissatisfaction_list(viewer=request.user)
    if request.GET.get("format") == "xlsx":  # the address the ledger was first exported at
        request.GET = request.GET.copy()
        request.GET["export"] = "xlsx"
    return export_or(
        request, rows, columns=DISSATISFACTION_COLUMNS, filename="dissatisfaction-ledger.xlsx",
        title=_("Dissatisfaction ledger"), export_perm="public:complaint:export",
        render=lambda page: render(
            request, "public/staff/dissatisfaction_list.html", {"page": page}
        ),
    )  # fmt: skip
