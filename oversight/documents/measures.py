"""The documents' measures: documents issued (by type), sign-offs overdue and replies late.

Sign-offs and replies are counted by the recipient unit (the unit that owes them); documents
issued by the issuing unit. Stock figures describe the period's reference day, as the loop's
do: today while the period runs, its last day once it is over.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oversight.core.measure_registry import RATE, Dimension, Measure, Source
from oversight.orgs.access import scope_q

from .models import DocType, Document, Receipt
from .selectors import received_scope

DOCUMENTS = Source(
    id="documents.issued",
    label=_("Issued documents"),
    model=Document,
    scope=lambda viewer: scope_q(viewer, node="issuer_node", owner="issued_by"),
    node="issuer_node",
    record_url=lambda d: reverse("documents:document_detail", args=[d.pk]),
    record_label=lambda d: f"{d.serial} {d.title}",
    dimension=Dimension("doc_type", _("document type"), lambda: list(DocType.choices)),
    select_related=("issuer_node",),
)

RECEIPTS = Source(
    id="documents.receipts",
    label=_("Received documents"),
    model=Receipt,
    scope=received_scope,
    node="node",
    record_url=lambda r: reverse("documents:received_detail", args=[r.pk]),
    record_label=lambda r: f"{r.document.serial} → {r.node.name}",
    dimension=Dimension("document__doc_type", _("document type"), lambda: list(DocType.choices)),
    select_related=("document", "node"),
)


def issued(w) -> Q:
    return Q(issued_on__gte=w.start, issued_on__lte=w.end)


def sign_off_overdue(w) -> Q:
    """Not signed for on the reference day although issued more than the sign-off limit
    (``DOCUMENTS_SIGN_DAYS``) before it."""
    due = w.as_of - datetime.timedelta(days=settings.DOCUMENTS_SIGN_DAYS)
    return Q(document__issued_on__lt=due) & (
        Q(signed_at__isnull=True) | Q(signed_at__gte=w.as_of_end)
    )


def reply_due(w) -> Q:
    """Replies whose deadline fell in the period and had passed by the reference day."""
    return Q(
        document__reply_by__gte=w.start,
        document__reply_by__lte=w.end,
        document__reply_by__lt=w.as_of,
    )


def replied_in_time() -> Q:
    return Q(replied_at__isnull=False, replied_at__date__lte=F("document__reply_by"))


MEASURES = [
    Measure(
        "documents.issued",
        _("Documents issued"),
        source=DOCUMENTS,
        where=issued,
        definition=_("Documents signed and issued in the period, by the issuing unit; by type."),
        perm="documents:document:view",
        higher_is_better=None,
        order=10,
    ),
    Measure(
        "documents.sign_offs_overdue",
        _("Sign-offs overdue"),
        source=RECEIPTS,
        where=sign_off_overdue,
        definition=_(
            "Documents not signed for by the recipient unit on the reference day although "
            "they were issued longer ago than the sign-off limit."
        ),
        perm="documents:received:view",
        order=20,
    ),
    Measure(
        "documents.replies_on_time",
        _("Replies on time"),
        source=RECEIPTS,
        where=reply_due,
        good=replied_in_time(),
        kind=RATE,
        definition=_(
            "Of the replies whose deadline fell in the period and has passed, the share "
            "given by the deadline (a reply never given counts as late)."
        ),
        perm="documents:received:view",
        higher_is_better=True,
        order=30,
    ),
    Measure(
        "documents.replies_late",
        _("Replies late or missing"),
        source=RECEIPTS,
        where=lambda w: reply_due(w) & ~replied_in_time(),
        definition=_(
            "Replies whose deadline fell in the period and has passed, given after the "
            "deadline or not at all, by the recipient unit."
        ),
        perm="documents:received:view",
        order=40,
    ),
]
