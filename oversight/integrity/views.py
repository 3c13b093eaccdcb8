"""Pages of integrity files: the people one may open, the opening with its reason, the file
itself (only through one's own current opening) and the forms that add to it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.excel import read_rows, template_response
from oversight.core.forms_flow import call_service
from oversight.core.paging import Column, export_or
from oversight.core.selectors import dict_labels
from oversight.ledger import selectors as ledger_selectors
from oversight.loop import selectors as loop_selectors
from oversight.loop.views import detail_context
from oversight.orgs.access import has_perm, require_perm

from . import rules, selectors, services
from .forms import (
    CheckForm,
    ImportForm,
    MatterReportForm,
    OpenForm,
    OpinionRequestForm,
    RecordForm,
    RelativeForm,
    RuleForm,
    SanctionForm,
    SensitiveForm,
)
from .models import Sanction


def _people_columns() -> list[Column]:
    ranks = dict_labels("cadre_rank")
    return [
        Column("name", _lazy("name"), lambda p: p.name, sort="name"),
        Column("unit", _lazy("unit"), lambda p: p.org_node.name, sort="org_node__path"),
        Column("rank", _lazy("rank"), lambda p: ranks.get(p.rank, p.rank), sort="rank"),
    ]


@require_perm("integrity:file:view")
def person_list(request):
    people = selectors.people(viewer=request.user, search=request.GET.get("q", ""))
    return export_or(
        request,
        people,
        columns=_people_columns(),
        filename="integrity-files.xlsx",
        title=_("Integrity files"),
        export_perm="integrity:file:view",
        render=lambda page: render(
            request, "integrity/person_list.html", {"page": page, "q": request.GET.get("q", "")}
        ),
    )


def _gate(request, person, form=None, status=200):
    own = request.user.person_id == person.pk
    return render(
        request,
        "integrity/open.html",
        {"person": person, "form": form or OpenForm(), "own": own},
        status=status,
    )


@require_perm("integrity:file:view")
def file_gate(request, pk: int):
    """Before a file opens: the reason to state."""
    person = selectors.person_get(viewer=request.user, pk=pk)
    return _gate(request, person)


@require_perm("integrity:file:own")
def own_file(request):
    person = request.user.person
    if person is None:  # an account of no person (an administrator's) has no file
        return render(request, "integrity/open.html", {"person": None})
    return _gate(request, person)


@require_POST
def file_open(request, pk: int):
    if not (
        has_perm(request.user, "integrity:file:view")
        or has_perm(request.user, "integrity:file:own")
    ):
        raise PermissionDenied
    if request.user.person_id == pk:
        person = request.user.person
    else:
        person = selectors.person_get(viewer=request.user, pk=pk)
    form = OpenForm(request.POST)
    if form.is_valid():
        view = call_service(
            form, services.file_open, actor=request.user, person=person, **form.cleaned_data
        )
        if view is not None:
            request.operation_target = view
            return redirect("integrity:file_detail", pk=view.pk)
    return _gate(request, person, form=form, status=400)


def _can_edit(user) -> bool:
    return has_perm(user, "integrity:file:edit")


def file_detail(request, pk: int, **forms):
    if not request.user.is_authenticated:
        raise PermissionDenied
    view = selectors.view_get(viewer=request.user, pk=pk)
    file = selectors.file_of(viewer=request.user, view=view)
    can_edit = _can_edit(request.user) and selectors.in_scope(
        viewer=request.user, person=view.person
    )
    context = {
        "view": view,
        "file": file,
        "can_edit": can_edit,
        "can_report": can_edit or view.own,
        "relative_form": forms.get("relative_form") or RelativeForm(),
        "sanction_form": forms.get("sanction_form") or SanctionForm(),
        "report_form": forms.get("report_form") or MatterReportForm(),
        "sensitive_form": forms.get("sensitive_form") or SensitiveForm(),
        "record_form": forms.get("record_form") or RecordForm(),
    }
    return render(request, "integrity/file_detail.html", context, status=400 if forms else 200)


def _on_file(request, pk: int, form_name: str, form, service, **kwargs):
    view = selectors.view_get(viewer=request.user, pk=pk)
    request.operation_target = view.person
    if form.is_valid():
        done = call_service(
            form, service, actor=request.user, person=view.person, **kwargs, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("integrity:file_detail", pk=pk)
    return file_detail(request, pk, **{form_name: form})


@require_perm("integrity:file:edit")
@require_POST
def relative_add(request, pk: int):
    return _on_file(request, pk, "relative_form", RelativeForm(request.POST), services.relative_add)


@require_perm("integrity:file:edit")
@require_POST
def sanction_add(request, pk: int):
    return _on_file(request, pk, "sanction_form", SanctionForm(request.POST), services.sanction_add)


@require_POST
def report_submit(request, pk: int):
    if not request.user.is_authenticated:
        raise PermissionDenied
    form = MatterReportForm(request.POST)
    if not form.is_valid():
        return file_detail(request, pk, report_form=form)
    view = selectors.view_get(viewer=request.user, pk=pk)
    request.operation_target = view.person
    done = call_service(
        form,
        services.matter_report_submit,
        actor=request.user,
        person=view.person,
        kind=form.cleaned_data["kind"],
        year=form.cleaned_data["year"],
        entries=form.entries(),
    )
    if done is None:
        return file_detail(request, pk, report_form=form)
    messages.success(request, _("The report was submitted."))
    return redirect("integrity:file_detail", pk=pk)


@require_perm("integrity:file:edit")
def relatives_import(request):
    if request.GET.get("template"):
        return template_response(
            filename="relatives.xlsx",
            title=_("Relatives"),
            headers=[label for _key, label in services.RELATIVE_COLUMNS],
            example=["130534198005170011", _("Spouse"), "王某", "130534198206120028", "", ""],
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.RELATIVE_COLUMNS, services.RELATIVE_REQUIRED
            )
            created = services.relatives_import(actor=request.user, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(n)d relatives imported.") % {"n": created})
            return redirect("integrity:person_list")
    status = 400 if errors or form.errors else 200
    spec = {"title": _("Import relatives")}
    return render(
        request, "orgs/import.html", {"form": form, "errors": errors, "spec": spec}, status=status
    )


# --- integrity opinions ------------------------------------------------------------------------

OPINION_PERMS = ("integrity:opinion:draft", "integrity:opinion:review", "integrity:opinion:sign")


def _opinions_allowed(user) -> None:
    if not any(has_perm(user, code) for code in OPINION_PERMS):
        raise PermissionDenied


REQUEST_COLUMNS = [
    Column("created", _lazy("requested on"), lambda r: r.created_at, sort="created_at"),
    Column("requester", _lazy("requested by"), lambda r: r.requester, sort="requester"),
    Column("purpose", _lazy("purpose"), lambda r: r.get_purpose_display(), sort="purpose"),
    Column("people", _lazy("people"), lambda r: r.people, sort="people"),
    Column("state", _lazy("state"), lambda r: r.item.state_label, sort="item__state"),
]


def request_list(request, form=None):
    _opinions_allowed(request.user)
    requests = selectors.request_list(viewer=request.user)
    can_draft = has_perm(request.user, "integrity:opinion:draft")
    return export_or(
        request,
        requests,
        columns=REQUEST_COLUMNS,
        filename="integrity-opinions.xlsx",
        title=_("Integrity opinions"),
        render=lambda page: render(
            request,
            "integrity/request_list.html",
            {"page": page, "form": form or (OpinionRequestForm() if can_draft else None)},
            status=400 if form is not None else 200,
        ),
    )


ID_COLUMNS = [("resident_id", _lazy("resident ID"))]


@require_perm("integrity:opinion:draft")
@require_POST
def request_create(request):
    form = OpinionRequestForm(request.POST, request.FILES)
    if form.is_valid():
        ids = form.ids()
        if form.cleaned_data.get("sheet"):
            try:
                rows = read_rows(form.cleaned_data["sheet"], ID_COLUMNS, ["resident_id"])
            except ValueError as exc:
                form.add_error("sheet", str(exc))
                return request_list(request, form=form)
            ids += [row.get("resident_id", "") for row in rows]
        created = call_service(
            form,
            services.opinion_request_create,
            actor=request.user,
            requester=form.cleaned_data["requester"],
            purpose=form.cleaned_data["purpose"],
            resident_ids=ids,
        )
        if created is not None:
            request.operation_target = created.item
            messages.success(request, _("The opinions were drafted. Check them, then submit."))
            return redirect("integrity:request_detail", pk=created.item_id)
    return request_list(request, form=form)


def request_detail(request, pk: int):
    _opinions_allowed(request.user)
    opinion_request = selectors.request_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    opinions = selectors.opinions_of(request=opinion_request)
    for opinion in opinions:
        opinion.badge = ledger_selectors.fixed_badge(
            record_type=services.SIGNED_OPINION, record_id=opinion.pk
        )
    context.update(
        {
            "opinion_request": opinion_request,
            "opinions": opinions,
            "can_redraft": item.state == "drafted"
            and has_perm(request.user, "integrity:opinion:draft"),
        }
    )
    return render(request, "integrity/request_detail.html", context)


def opinion_download(request, pk: int):
    _opinions_allowed(request.user)
    opinion = selectors.opinion_get(viewer=request.user, pk=pk)
    if opinion.document is None:
        raise Http404
    return FileResponse(
        opinion.document.file.open("rb"),
        as_attachment=True,
        filename=f"{opinion.document.serial}.docx",
    )


def rule_list(request, form=None):
    can_edit = has_perm(request.user, "integrity:rule:edit")
    if not can_edit:
        _opinions_allowed(request.user)
    sanction_rules = [
        {"label": Sanction.Kind(kind).label, "rule": rule}
        for kind, rule in rules.SANCTION_RULES.items()
    ]
    return render(
        request,
        "integrity/rule_list.html",
        {
            "rules": selectors.rule_list(),
            "sanction_rules": sanction_rules,
            "can_edit": can_edit,
            "form": form or (RuleForm() if can_edit else None),
        },
        status=400 if form is not None else 200,
    )


@require_perm("integrity:rule:edit")
@require_POST
def rule_add(request):
    form = RuleForm(request.POST)
    if form.is_valid():
        saved = call_service(
            form, services.rule_save, actor=request.user, rule=None, **form.cleaned_data
        )
        if saved is not None:
            request.operation_target = saved
            messages.success(request, _("Rule %(code)s added.") % {"code": saved.code})
            return redirect("integrity:rule_list")
    return rule_list(request, form=form)


@require_perm("integrity:rule:edit")
def rule_edit(request, pk: int):
    rule = selectors.rule_get(pk=pk)
    form = RuleForm(request.POST) if request.method == "POST" else RuleForm.of(rule)
    if request.method == "POST" and form.is_valid():
        request.operation_target = rule
        saved = call_service(
            form, services.rule_save, actor=request.user, rule=rule, **form.cleaned_data
        )
        if saved is not None:
            messages.success(request, _("Rule %(code)s saved.") % {"code": saved.code})
            return redirect("integrity:rule_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "integrity/rule_edit.html", {"rule": rule, "form": form}, status=status)


@require_perm("integrity:opinion:draft")
@require_POST
def request_redraft(request, pk: int):
    opinion_request = selectors.request_get(viewer=request.user, pk=pk)
    request.operation_target = opinion_request.item
    try:
        services.opinions_redraft(actor=request.user, request=opinion_request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The opinions were drafted again from today's records."))
    return redirect("integrity:request_detail", pk=pk)


def letter_download(request, pk: int):
    _opinions_allowed(request.user)
    opinion_request = selectors.request_get(viewer=request.user, pk=pk)
    if opinion_request.letter is None:
        raise Http404
    return FileResponse(
        opinion_request.letter.file.open("rb"),
        as_attachment=True,
        filename=f"{opinion_request.letter.serial}.docx",
    )


# --- sensitive parts ---------------------------------------------------------------------------


@require_perm("integrity:file:view")
@require_POST
def sensitive_request(request, pk: int):
    view = selectors.view_get(viewer=request.user, pk=pk)
    request.operation_target = view.person
    form = SensitiveForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            services.sensitive_request,
            actor=request.user,
            view=view,
            reason=form.cleaned_data["reason"],
        )
        if done is not None:
            messages.success(request, _("Your request was sent to the leaders for approval."))
            return redirect("integrity:file_detail", pk=pk)
    return file_detail(request, pk, sensitive_form=form)


def sensitive_detail(request, pk: int):
    if not request.user.is_authenticated:
        raise PermissionDenied
    sensitive = selectors.sensitive_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context["sensitive"] = sensitive
    return render(request, "integrity/sensitive_detail.html", context)


# --- other records of the file ---------------------------------------------------------------


@require_perm("integrity:file:edit")
@require_POST
def record_add(request, pk: int):
    return _on_file(request, pk, "record_form", RecordForm(request.POST), services.record_add)


@require_perm("integrity:file:edit")
def records_import(request):
    if request.GET.get("template"):
        return template_response(
            filename="integrity-records.xlsx",
            title=_("Records of integrity files"),
            headers=[label for _key, label in services.RECORD_COLUMNS],
            example=["130534198005170011", _("Gift or money handed in"), "2025-03-10",
                     _("A gift card handed in"), _("Discipline office"), "500"],
        )  # fmt: skip
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_rows(
                form.cleaned_data["file"], services.RECORD_COLUMNS, services.RECORD_REQUIRED
            )
            created = services.records_import(actor=request.user, rows=rows)
        except ValueError as exc:
            errors = [str(exc)]
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(n)d records imported.") % {"n": created})
            return redirect("integrity:person_list")
    status = 400 if errors or form.errors else 200
    spec = {
        "title": _(
            "Import records: gifts handed in, integrity talks, accountability, commendations, "
            "departure audits"
        )
    }
    return render(
        request, "orgs/import.html", {"form": form, "errors": errors, "spec": spec}, status=status
    )


# --- random checks of personal-matter reports --------------------------------------------------

CHECK_COLUMNS = [
    Column("created", _lazy("drawn on"), lambda c: c.created_at, sort="created_at"),
    Column("year", _lazy("year of the reports"), lambda c: c.year, sort="year"),
    Column("size", _lazy("reports drawn"), lambda c: c.size, sort="size"),
    Column("pool", _lazy("reports to draw from"), lambda c: c.pool, sort="pool"),
    Column("seed", _lazy("seed of the draw"), lambda c: c.seed, sort="seed"),
    Column("state", _lazy("state"), lambda c: c.item.state_label, sort="item__state"),
]


@require_perm("integrity:check")
def check_list(request, form=None):
    checks = selectors.check_list(viewer=request.user)
    return export_or(
        request,
        checks,
        columns=CHECK_COLUMNS,
        filename="integrity-checks.xlsx",
        title=_("Random checks of personal-matter reports"),
        export_perm="integrity:check",
        render=lambda page: render(
            request,
            "integrity/check_list.html",
            {"page": page, "form": form or CheckForm()},
            status=400 if form is not None else 200,
        ),
    )


@require_perm("integrity:check")
@require_POST
def check_create(request):
    form = CheckForm(request.POST, request.FILES)
    if form.is_valid():
        rows, name = [], ""
        upload = form.cleaned_data.get("sheet")
        if upload:
            try:
                rows = read_rows(upload, services.CHECK_LIST_COLUMNS, services.CHECK_LIST_REQUIRED)
            except ValueError as exc:
                form.add_error("sheet", str(exc))
                return check_list(request, form=form)
            name = upload.name
        created = call_service(
            form,
            services.check_draw,
            actor=request.user,
            year=form.cleaned_data["year"],
            size=form.cleaned_data["size"],
            seed=form.cleaned_data["seed"],
            list_rows=rows,
            list_name=name,
        )
        if created is not None:
            request.operation_target = created.item
            messages.success(request, _("The reports were drawn and compared."))
            return redirect("integrity:check_detail", pk=created.item_id)
    return check_list(request, form=form)


def check_detail(request, pk: int):
    if not has_perm(request.user, "integrity:check"):
        raise PermissionDenied
    check = selectors.check_get(viewer=request.user, pk=pk)
    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    context = detail_context(request, item)
    context.update({"check": check, "entries": selectors.check_entries(check=check)})
    return render(request, "integrity/check_detail.html", context)
