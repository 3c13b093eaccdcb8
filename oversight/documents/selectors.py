"""Reads of documents, limited by the viewer's scope over the issuing org node."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from oversight.orgs.access import scope_q, sees_everything

from . import serials
from .models import DocType, Document, DocumentTemplate, Receipt, SerialPrefix


def document_list(
    *,
    viewer,
    target=None,
    doc_type: str = "",
    year: int | None = None,
    search: str = "",
) -> QuerySet[Document]:
    """Documents issued by org nodes in the viewer's scope, newest first.

    ``target`` (a model instance or a ``(type, id)`` pair) keeps those about one record;
    ``search`` matches the serial number, title and recipient unit.
    """
    qs = Document.objects.filter(
        scope_q(viewer, node="issuer_node", owner="issued_by")
    ).select_related("issuer_node", "issued_by")
    if target is not None:
        if isinstance(target, tuple):
            target_type, target_id = str(target[0]), str(target[1])
        else:
            target_type, target_id = target._meta.label_lower, str(target.pk)
        qs = qs.filter(target_type=target_type, target_id=target_id)
    if doc_type:
        qs = qs.filter(doc_type=doc_type)
    if year:
        qs = qs.filter(year=year)
    if search:
        qs = qs.filter(
            Q(serial__icontains=search)
            | Q(title__icontains=search)
            | Q(recipient_unit__icontains=search)
        )
    return qs.order_by("-issued_at", "-id")


def document_get(*, viewer, pk: int) -> Document:
    """One document in scope, or 404."""
    return get_object_or_404(document_list(viewer=viewer), pk=pk)


def document_years(*, viewer) -> list[int]:
    """The years in which documents in scope were issued, latest first."""
    return list(
        Document.objects.filter(scope_q(viewer, node="issuer_node", owner="issued_by"))
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def template_list() -> QuerySet[DocumentTemplate]:
    """Uploaded templates of every type; templates are not org data (holding the permission
    to manage them shows them all)."""
    return DocumentTemplate.objects.select_related("uploaded_by").order_by(
        "doc_type", "-uploaded_at", "-id"
    )


def template_get(*, pk: int) -> DocumentTemplate:
    return get_object_or_404(DocumentTemplate, pk=pk)


def template_overview() -> list[dict]:
    """Per type: its label, the active uploaded template (None: built-in) and all uploaded."""
    by_type: dict[str, list[DocumentTemplate]] = {}
    for template in template_list():
        by_type.setdefault(template.doc_type, []).append(template)
    return [
        {
            "type": value,
            "label": label,
            "active": next((t for t in by_type.get(value, []) if t.is_active), None),
            "templates": by_type.get(value, []),
        }
        for value, label in DocType.choices
    ]


def prefix_list(*, viewer) -> QuerySet[SerialPrefix]:
    """Prefixes set for org nodes in the viewer's scope."""
    return SerialPrefix.objects.filter(scope_q(viewer, node="node")).select_related("node")


def prefix_table(*, viewer, node) -> list[dict]:
    """For one node in scope: per type, the prefix in use, whether it is the default, and an
    example serial number."""
    stored = dict(prefix_list(viewer=viewer).filter(node=node).values_list("doc_type", "prefix"))
    rows = []
    for value, label in DocType.choices:
        prefix = stored.get(value) or serials.default_prefix(node, value)
        rows.append(
            {
                "type": value,
                "label": label,
                "prefix": prefix,
                "is_default": value not in stored,
                "example": serials.format_serial(prefix, timezone.localdate().year, 1),
            }
        )
    return rows


# --- received documents (收文) ----------------------------------------------------------------


def received_scope(viewer) -> Q:
    """The receipts ``viewer`` may see: those addressed to units in their scope or to them."""
    if viewer is None or not viewer.is_authenticated:
        return Q(pk__in=[])
    if sees_everything(viewer):
        return Q()
    return scope_q(viewer, node="node", owner="account") | Q(account_id=viewer.pk)


def received_list(*, viewer, status: str = "", search: str = "") -> QuerySet[Receipt]:
    """Documents addressed to the viewer's units, unsigned first, newest first.
    ``status``: ``unsigned``, ``unreplied`` (a reply is asked and not given) or ``done``."""
    qs = Receipt.objects.filter(received_scope(viewer)).select_related(
        "document", "document__issuer_node", "node", "signed_by", "replied_by"
    )
    if status == "unsigned":
        qs = qs.filter(signed_at__isnull=True)
    elif status == "unreplied":
        qs = qs.filter(document__reply_by__isnull=False, replied_at__isnull=True)
    elif status == "done":
        qs = qs.filter(signed_at__isnull=False).exclude(
            document__reply_by__isnull=False, replied_at__isnull=True
        )
    if search:
        qs = qs.filter(Q(document__serial__icontains=search) | Q(document__title__icontains=search))
    return qs.order_by(F("signed_at").asc(nulls_first=True), "-document__issued_at", "-id")


def received_get(*, viewer, pk: int) -> Receipt:
    """One receipt addressed within the viewer's scope, or 404."""
    return get_object_or_404(received_list(viewer=viewer), pk=pk)


def visible_receipt_ids(*, viewer, ids) -> set[str]:
    """Which of ``ids`` the viewer may open: the notifications' audience."""
    wanted = sorted({int(i) for i in ids})
    return {
        str(pk)
        for pk in Receipt.objects.filter(received_scope(viewer), pk__in=wanted).values_list(
            "pk", flat=True
        )
    }


def receipt_overview(*, document: Document) -> list[Receipt]:
    """For the sender: every addressee of ``document``, who signed and who replied."""
    return list(
        document.receipts.select_related("node", "signed_by", "replied_by").order_by("node__path")
    )


def documents_about(*, viewer, target) -> QuerySet[Document]:
    """Documents about ``target`` that the viewer may open: issued within their scope (with
    the function to see issued documents) or addressed to their units."""
    from oversight.orgs.access import has_perm

    target_type, target_id = target._meta.label_lower, str(target.pk)
    about = Document.objects.filter(target_type=target_type, target_id=target_id)
    visible = Q(pk__in=[])
    if has_perm(viewer, "documents:document:view"):
        visible |= Q(pk__in=document_list(viewer=viewer, target=target).values("pk"))
    if has_perm(viewer, "documents:received:view"):
        visible |= Q(
            pk__in=Receipt.objects.filter(received_scope(viewer), document__in=about).values(
                "document_id"
            )
        )
    return about.filter(visible).order_by("-issued_at", "-id")
