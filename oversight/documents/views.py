"""Issued documents, their downloads and printable pages; templates and prefixes admin.
Views stay thin: forms validate, services write, selectors read within the viewer's scope."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from oversight.core.forms_flow import call_service, render_form
from oversight.core.paging import Column, export_or, export_response
from oversight.orgs import selectors as org_selectors
from oversight.orgs.access import has_perm, require_perm

from . import builtin, selectors, services
from .forms import IssueForm, PrefixForm, ReplyForm, TemplateUploadForm
from .models import DocType, Draft, Receipt

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _filters(request) -> dict:
    doc_type = request.GET.get("type", "")
    year = request.GET.get("year", "")
    return {
        "doc_type": doc_type if doc_type in DocType.values else "",
        "year": int(year) if year.isdigit() and len(year) == 4 else None,
        "search": request.GET.get("q", "").strip()[:100],
    }


DOCUMENT_COLUMNS = [
    Column("serial", _lazy("serial number"), lambda d: d.serial, sort=("issued_on", "serial")),
    Column("type", _lazy("document type"), lambda d: d.get_doc_type_display(), sort="doc_type"),
    Column("title", _lazy("title"), lambda d: d.title, sort="title"),
    Column("recipient", _lazy("recipient unit"), lambda d: d.recipient_unit, sort="recipient_unit"),
    Column(
        "issuer", _lazy("issuing org node"), lambda d: d.issuer_node.name, sort="issuer_node__name"
    ),
    Column("date", _lazy("date"), lambda d: d.issued_on, sort="issued_on"),
    Column("issued_by", _lazy("issued by"), lambda d: str(d.issued_by) if d.issued_by else ""),
    Column(
        "concerns",
        _lazy("concerns"),
        lambda d: f"{d.target_type}:{d.target_id}" if d.target_type else "",
    ),
    Column("sha256", _lazy("SHA-256"), lambda d: d.sha256),
]


@require_perm("documents:document:view")
def document_list(request):
    filters = _filters(request)
    documents = selectors.document_list(viewer=request.user, **filters)

    def show(page):
        context = {
            "page": page,
            "types": DocType.choices,
            "years": selectors.document_years(viewer=request.user),
            "filter_type": filters["doc_type"],
            "filter_year": filters["year"],
            "q": filters["search"],
        }
        return render(request, "documents/document_list.html", context)

    return export_or(
        request,
        documents,
        columns=DOCUMENT_COLUMNS,
        filename="documents.xlsx",
        title=_("Issued documents"),
        export_perm="documents:document:export",
        render=show,
    )


@require_perm("documents:document:export")
def document_export(request):
    documents = selectors.document_list(viewer=request.user, **_filters(request))
    return export_response(
        request,
        documents,
        columns=DOCUMENT_COLUMNS,
        filename="documents.xlsx",
        title=_("Issued documents"),
    )


@require_perm("documents:document:view")
def document_detail(request, pk: int):
    document = selectors.document_get(viewer=request.user, pk=pk)
    context = {
        "document": document,
        "intact": services.document_is_intact(document=document),
        "receipts": selectors.receipt_overview(document=document),
    }
    return render(request, "documents/document_detail.html", context)


@login_required
def document_open(request, pk: int):
    """A document from wherever it is linked (an item's timeline): the issued page for those
    who see the sender's documents, the received page for its addressees, else 404."""
    if has_perm(request.user, "documents:document:view"):
        if selectors.document_list(viewer=request.user).filter(pk=pk).exists():
            return redirect("documents:document_detail", pk=pk)
    receipt = (
        selectors.received_list(viewer=request.user).filter(document_id=pk).first()
        if has_perm(request.user, "documents:received:view")
        else None
    )
    if receipt is None:
        raise Http404
    return redirect("documents:received_detail", pk=receipt.pk)


# --- received documents (收文) ----------------------------------------------------------------

RECEIVED = "documents:received:view"
RECEIVED_COLUMNS = [
    Column("serial", _lazy("serial number"), lambda r: r.document.serial, sort="document__serial"),
    Column("title", _lazy("title"), lambda r: r.document.title, sort="document__title"),
    Column("issuer", _lazy("issuing org node"), lambda r: r.document.issuer_node.name),
    Column("unit", _lazy("recipient unit"), lambda r: r.node.name, sort="node__name"),
    Column("date", _lazy("date"), lambda r: r.document.issued_on, sort="document__issued_on"),
    Column(
        "signed",
        _lazy("signed for at"),
        lambda r: timezone.localtime(r.signed_at).replace(tzinfo=None) if r.signed_at else None,
        sort="signed_at",
    ),
    Column("reply_by", _lazy("reply by"), lambda r: r.document.reply_by, sort="document__reply_by"),
    Column(
        "replied",
        _lazy("replied at"),
        lambda r: timezone.localtime(r.replied_at).replace(tzinfo=None) if r.replied_at else None,
        sort="replied_at",
    ),
]
RECEIVED_STATUSES = [
    ("", _lazy("All")),
    ("unsigned", _lazy("Not signed for")),
    ("unreplied", _lazy("Reply due")),
    ("done", _lazy("Done")),
]


@require_perm(RECEIVED)
def received_list(request):
    status = request.GET.get("status", "")
    status = status if status in dict(RECEIVED_STATUSES) else ""
    search = request.GET.get("q", "").strip()[:100]
    receipts = selectors.received_list(viewer=request.user, status=status, search=search)
    return export_or(
        request,
        receipts,
        columns=RECEIVED_COLUMNS,
        filename="received-documents.xlsx",
        title=_("Received documents"),
        render=lambda page: render(
            request,
            "documents/received_list.html",
            {"page": page, "status": status, "statuses": RECEIVED_STATUSES, "q": search},
        ),
    )


def _received(request, receipt, *, form=None, status=200):
    context = {
        "receipt": receipt,
        "document": receipt.document,
        "form": form or ReplyForm(),
        "today": timezone.localdate(),
    }
    return render(request, "documents/received_detail.html", context, status=status)


@require_perm(RECEIVED)
def received_detail(request, pk: int):
    return _received(request, selectors.received_get(viewer=request.user, pk=pk))


@require_perm(RECEIVED)
def received_download(request, pk: int):
    receipt = selectors.received_get(viewer=request.user, pk=pk)
    document = receipt.document
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of this document is missing.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.serial} {document.document_name}.docx",
        content_type=DOCX,
    )


@require_POST
@require_perm(RECEIVED)
def received_sign(request, pk: int):
    receipt = selectors.received_get(viewer=request.user, pk=pk)
    if services.receipt_sign(receipt=receipt, actor=request.user):
        messages.success(request, _("Signed for %(serial)s.") % {"serial": receipt.document.serial})
    request.operation_target = receipt
    return redirect("documents:received_detail", pk=receipt.pk)


@require_POST
@require_perm(RECEIVED)
def received_reply(request, pk: int):
    receipt = selectors.received_get(viewer=request.user, pk=pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        done = call_service(
            form,
            services.receipt_reply,
            receipt=receipt,
            actor=request.user,
            text=form.cleaned_data["text"],
            evidence=form.cleaned_data.get("evidence"),
        )
        if done:
            request.operation_target = receipt
            messages.success(request, _("The reply was sent."))
            return redirect("documents:received_detail", pk=receipt.pk)
    return _received(request, receipt, form=form, status=400)


@login_required
def received_evidence(request, pk: int):
    """The evidence of a reply: for the addressees and for those who see the sender's
    documents."""
    receipt = (
        selectors.received_list(viewer=request.user).filter(pk=pk).first()
        if has_perm(request.user, RECEIVED)
        else None
    )
    if receipt is None and has_perm(request.user, "documents:document:view"):
        issued = selectors.document_list(viewer=request.user).values("pk")
        receipt = Receipt.objects.filter(pk=pk, document__in=issued).first()
    if receipt is None or not receipt.reply_file:
        raise Http404
    return FileResponse(
        receipt.reply_file.open("rb"), as_attachment=True, filename=receipt.reply_file_name
    )


@require_perm("documents:document:view")
def document_download(request, pk: int):
    document = selectors.document_get(viewer=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file of this document is missing.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.serial} {document.document_name}.docx",
        content_type=DOCX,
    )


@require_perm("documents:document:view")
def document_print(request, pk: int):
    document = selectors.document_get(viewer=request.user, pk=pk)
    return render(request, "documents/document_print.html", {"document": document})


@require_perm("documents:document:issue")
def document_issue(request):
    form = IssueForm(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("preview"):
            preview = services.clean_content(form.context()) if form.is_valid() else None
            return render_form(
                request, "documents/document_issue.html", {"form": form, "preview": preview}, form
            )
        document = call_service(
            form,
            services.issue_document,
            doc_type=form.cleaned_data["doc_type"],
            issuer_node=form.cleaned_data["issuer_node"],
            actor=request.user,
            context=form.context(),
            recipients=form.cleaned_data["recipients"],
            reply_by=form.cleaned_data["reply_by"],
            evidence_required=form.cleaned_data["evidence_required"],
        )
        if document:
            request.operation_target = document
            messages.success(request, _("%(serial)s was issued.") % {"serial": document.serial})
            return redirect("documents:document_detail", pk=document.pk)
    return render_form(request, "documents/document_issue.html", {"form": form}, form)


# --- templates ------------------------------------------------------------------------------


@require_perm("documents:template:edit")
def template_admin(request):
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        template = call_service(
            form,
            services.template_upload,
            doc_type=form.cleaned_data["doc_type"],
            name=form.cleaned_data["name"],
            data=upload.read(),
            actor=request.user,
            activate=form.cleaned_data["activate"],
        )
        if template:
            request.operation_target = template
            messages.success(
                request, _("Template %(name)s was uploaded.") % {"name": template.name}
            )
            return redirect("documents:template_admin")
    context = {"form": form, "overview": selectors.template_overview()}
    return render_form(request, "documents/template_admin.html", context, form)


@require_POST
@require_perm("documents:template:edit")
def template_activate(request, pk: int):
    template = selectors.template_get(pk=pk)
    services.template_activate(template=template, actor=request.user)
    request.operation_target = template
    messages.success(request, _("Template %(name)s is now in use.") % {"name": template.name})
    return redirect("documents:template_admin")


@require_POST
@require_perm("documents:template:edit")
def template_use_builtin(request, doc_type: str):
    if doc_type not in DocType.values:
        raise Http404
    services.template_use_builtin(doc_type=doc_type, actor=request.user)
    messages.success(
        request,
        _("The built-in template of %(type)s is now in use.") % {"type": DocType(doc_type).label},
    )
    return redirect("documents:template_admin")


@require_perm("documents:template:edit")
def template_download(request, pk: int):
    template = selectors.template_get(pk=pk)
    return FileResponse(
        template.file.open("rb"),
        as_attachment=True,
        filename=f"{template.name}.docx",
        content_type=DOCX,
    )


@require_perm("documents:template:edit")
def builtin_download(request, doc_type: str):
    if doc_type not in DocType.values:
        raise Http404
    return FileResponse(
        BytesIO(builtin.template_bytes(doc_type)),
        as_attachment=True,
        filename=f"{DocType(doc_type).label}.docx",
        content_type=DOCX,
    )


# --- serial number prefixes -----------------------------------------------------------------


@require_perm("documents:prefix:edit")
def prefix_admin(request):
    node = request.user.org_node
    if (node_pk := request.GET.get("node", "")).isdigit():
        node = org_selectors.node_get(viewer=request.user, pk=int(node_pk))
    form = PrefixForm(request.POST or None, viewer=request.user, initial={"node": node})
    if request.method == "POST" and form.is_valid():
        node = form.cleaned_data["node"]
        done = call_service(
            form,
            _set_prefix,
            node=node,
            doc_type=form.cleaned_data["doc_type"],
            prefix=form.cleaned_data["prefix"],
            actor=request.user,
        )
        if done:
            messages.success(request, _("The prefix was saved."))
            return redirect(f"{request.path}?node={node.pk}")
    in_scope = org_selectors.node_list(viewer=request.user).filter(pk=node.pk).exists()
    context = {
        "form": form,
        "node": node if in_scope else None,
        "table": selectors.prefix_table(viewer=request.user, node=node) if in_scope else [],
        "stored": selectors.prefix_list(viewer=request.user)[:500],
    }
    return render_form(request, "documents/prefix_admin.html", context, form)


def _set_prefix(**kwargs) -> bool:
    services.prefix_set(**kwargs)
    return True


# --- drafts (拟稿 → 审核 → 签发) -------------------------------------------------------------


@require_perm("documents:document:draft")
def draft_new(request):
    form = IssueForm(request.POST or None, viewer=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("preview"):
            preview = services.clean_content(form.context())
        else:
            draft = call_service(
                form,
                services.draft_create,
                actor=request.user,
                doc_type=form.cleaned_data["doc_type"],
                issuer_node=form.cleaned_data["issuer_node"],
                context=form.context(),
                recipients=form.cleaned_data["recipients"],
                reply_by=form.cleaned_data["reply_by"],
                evidence_required=form.cleaned_data["evidence_required"],
            )
            if draft:
                request.operation_target = draft.item
                messages.success(request, _("The draft was saved; submit it for review."))
                return redirect("documents:draft_detail", pk=draft.item_id)
    context = {"form": form, "preview": preview, "drafting": True}
    return render_form(request, "documents/document_issue.html", context, form)


@login_required
def draft_detail(request, pk: int):
    from oversight.loop import selectors as loop_selectors
    from oversight.loop.views import detail_context

    item = loop_selectors.item_get(viewer=request.user, pk=pk)
    draft = get_object_or_404(Draft.objects.select_related("document"), item=item)
    context = detail_context(request, item)
    context.update(
        {
            "draft": draft,
            "preview": services.clean_content(draft.context),
            "recipients": draft.recipients.order_by("path"),
        }
    )
    return render(request, "documents/draft_detail.html", context)
