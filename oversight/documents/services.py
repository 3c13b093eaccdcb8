"""Every write of documents: issuing, templates and serial number prefixes.

Other apps (the closed loop) call ``issue_document`` from their own services, inside their
transaction: the serial number, the row and the ledger event commit or roll back with the
change that issued the document.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger

from . import builtin, rendering, serials
from .models import DocType, Document, DocumentTemplate, Draft, Receipt, SerialPrefix

log = logging.getLogger(__name__)

TEXT_MAX = 200


def format_date(value: datetime.date) -> str:
    """A date as written in documents (``2026年3月5日`` in Chinese)."""
    return _("%(month)s/%(day)s/%(year)s") % {
        "year": value.year,
        "month": value.month,
        "day": value.day,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return format_date(timezone.localdate(value) if timezone.is_aware(value) else value.date())
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value).strip()


def _plain(value: Any) -> Any:
    """``value`` as JSON-native data, dates written as in documents."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return _text(value)


def clean_content(context: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's values checked and normalised; ValidationError keyed by field.

    Expected: ``recipient_unit`` and ``title`` (required), ``body`` (text; one paragraph per
    line) or ``paragraphs`` (a list), ``deadline`` (a date or text, optional), ``signature``
    (optional; the issuing node's name by default). Any other key goes into ``extra``, which a
    custom template reads as ``{{ extra.key }}``.
    """
    errors: dict[str, ValidationError] = {}
    recipient = _text(context.get("recipient_unit"))
    title = _text(context.get("title"))
    if not recipient:
        errors["recipient_unit"] = ValidationError(
            _("Name the unit the document is addressed to."), code="required"
        )
    elif len(recipient) > TEXT_MAX:
        errors["recipient_unit"] = ValidationError(_("At most 200 characters."), code="too_long")
    if not title:
        errors["title"] = ValidationError(_("A document needs a title."), code="required")
    elif len(title) > TEXT_MAX:
        errors["title"] = ValidationError(_("At most 200 characters."), code="too_long")
    if context.get("paragraphs"):
        paragraphs = [_text(p) for p in context["paragraphs"] if _text(p)]
    else:
        paragraphs = [line.strip() for line in _text(context.get("body")).splitlines()]
        paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        errors["body"] = ValidationError(_("A document needs a body."), code="required")
    signature = _text(context.get("signature"))
    if len(signature) > TEXT_MAX:
        errors["signature"] = ValidationError(_("At most 200 characters."), code="too_long")
    if errors:
        raise ValidationError(errors)
    known = {"recipient_unit", "title", "body", "paragraphs", "deadline", "signature", "extra"}
    extra = _plain(dict(context.get("extra") or {}))
    extra.update({k: _plain(v) for k, v in context.items() if k not in known})
    return {
        "recipient_unit": recipient,
        "title": title,
        "paragraphs": paragraphs,
        "body": "\n".join(paragraphs),
        "deadline": _text(context.get("deadline")),
        "signature": signature,
        "extra": extra,
    }


def _name_target(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError("a document's target must be saved first")
        return target._meta.label_lower, str(target.pk)
    if isinstance(target, tuple) and len(target) == 2:
        return str(target[0])[:64], str(target[1])[:64]
    raise TypeError(f"cannot name a document target from {type(target).__name__}")


def active_template(doc_type: str) -> tuple[DocumentTemplate | None, bytes]:
    """The uploaded template in use for ``doc_type`` (None for the built-in one) and its bytes."""
    template = DocumentTemplate.objects.filter(doc_type=doc_type, is_active=True).first()
    if template is None:
        return None, builtin.template_bytes(doc_type)
    with template.file.open("rb") as handle:
        return template, handle.read()


@transaction.atomic
def issue_document(
    *,
    doc_type: str,
    issuer_node,
    actor,
    context: Mapping[str, Any],
    target=None,
    issued_on: datetime.date | None = None,
    recipients: Sequence = (),
    reply_by: datetime.date | None = None,
    evidence_required: bool = False,
    announce: bool = True,
) -> Document:
    """Issue a document: take its serial number, render it, store it, record it.

    ``context`` is described in ``clean_content``. The number is the next one of
    (``issuer_node``, ``doc_type``, the year of ``issued_on``, today by default); it is taken
    inside this transaction, so a rollback (here or in the caller) gives it back. The .docx is
    rendered from the active template of the type (the built-in one unless an administrator
    activated another), stored through the default storage with its SHA-256, and the issue is
    appended to the ledger. ``actor`` is the account issuing, or None for the platform itself.
    ``recipients`` are the org nodes it is sent to (收文): each gets a ``Receipt`` to sign for
    and, with ``reply_by``, to reply to by that day (with evidence if ``evidence_required``);
    their accounts are told unless ``announce`` is False (the caller tells them otherwise).
    ValidationError names bad values, an unknown type or a template that fails to render.
    """
    if doc_type not in DocType.values:
        raise ValidationError(
            {"doc_type": ValidationError(_("Unknown type of document."), code="unknown")}
        )
    if issuer_node is None:
        raise ValidationError(
            {"issuer_node": ValidationError(_("Choose the issuing org node."), code="required")}
        )
    content = clean_content(context)
    target_type, target_id = _name_target(target)
    issued_on = issued_on or timezone.localdate()
    template, template_data = active_template(doc_type)

    number = serials.take_number(issuer_node, doc_type, issued_on.year, actor=actor)
    serial = serials.format_serial(
        serials.prefix_for(issuer_node, doc_type), issued_on.year, number
    )
    content.update(
        issuer=issuer_node.name,
        document_name=str(DocType(doc_type).label),
        serial=serial,
        date=format_date(issued_on),
        year=issued_on.year,
        signature=content["signature"] or issuer_node.name,
        deadline_sentence=builtin.deadline_sentence(doc_type, content["deadline"]),
    )
    try:
        data = rendering.render(template_data, content)
    except rendering.TemplateProblem as exc:
        raise ValidationError(
            _("The %(type)s template cannot be used: %(problem)s")
            % {"type": DocType(doc_type).label, "problem": exc},
            code="template",
        ) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    document = Document(
        doc_type=doc_type,
        issuer_node=issuer_node,
        year=issued_on.year,
        number=number,
        serial=serial,
        title=content["title"],
        recipient_unit=content["recipient_unit"],
        content=content,
        sha256=sha256,
        size=len(data),
        template=template,
        template_sha256=hashlib.sha256(template_data).hexdigest(),
        target_type=target_type,
        target_id=target_id,
        issued_by=actor,
        issued_on=issued_on,
        reply_by=reply_by,
        evidence_required=evidence_required,
    )
    document.file.save(f"{issued_on.year}-{doc_type}-{number}.docx", ContentFile(data), save=False)
    try:
        document.save()
        ledger.record(
            actor=actor,
            action="documents.document.issue",
            target=document,
            before=None,
            after=_snapshot(document),
            details={"serial": serial, "doc_type": doc_type, "sha256": sha256},
        )
    except Exception:
        # The number goes back with the rollback; the file would stay behind without this.
        document.file.storage.delete(document.file.name)
        raise
    _send(document, recipients, announce=announce)
    return document


def _send(document: Document, recipients, *, announce: bool) -> None:
    """Address ``document`` to each of ``recipients`` (org nodes), and tell their accounts."""
    from oversight.notify.services import Message, notify_many
    from oversight.orgs.models import Account

    nodes = list({node.pk: node for node in recipients if node is not None}.values())
    if not nodes:
        return
    receipts = Receipt.objects.bulk_create([Receipt(document=document, node=n) for n in nodes])
    ledger.record_many(
        [
            ledger.Event(
                actor=document.issued_by,
                action="documents.receipt.address",
                target=receipt,
                before=None,
                after=None,  # the ledger records the row as this transaction leaves it
            )
            for receipt in receipts
        ]
    )
    if not announce:
        return
    accounts: dict[int, list] = {}
    for account in Account.objects.filter(org_node__in=nodes, is_active=True):
        accounts.setdefault(account.org_node_id, []).append(account)
    title = _("%(document)s %(serial)s: %(title)s") % {
        "document": document.document_name,
        "serial": document.serial,
        "title": document.title,
    }
    notify_many(
        [
            Message(
                recipients=accounts.get(receipt.node_id, ()),
                kind="documents.received",
                title=title,
                body=_("Reply by %(date)s") % {"date": document.reply_by}
                if document.reply_by
                else "",
                url=reverse("documents:received_detail", args=[receipt.pk]),
                target=receipt,
                dedupe_key=f"documents.received:{receipt.pk}",
            )
            for receipt in receipts
        ]
    )


# --- receiving (收文) -------------------------------------------------------------------------


@transaction.atomic
def receipt_sign(*, receipt: Receipt, actor) -> bool:
    """The recipient unit signs for the document (签收), once; False when it was signed."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.signed_at is not None:
        return False
    receipt.signed_at, receipt.signed_by = timezone.now(), actor
    receipt.save(update_fields=["signed_at", "signed_by"])
    ledger.record(
        actor=actor,
        action="documents.receipt.sign",
        target=receipt,
        before=None,
        after={"document": receipt.document_id, "node": receipt.node_id, "signed": True},
    )
    return True


@transaction.atomic
def receipt_reply(*, receipt: Receipt, actor, text: str, evidence=None) -> Receipt:
    """The recipient unit replies (signing for it first if it had not); evidence is checked as
    the closed loop's evidence is, and required when the document asks for it. A reply after
    ``reply_by`` is accepted and shown as late."""
    from oversight.loop.uploads import check_upload

    receipt = Receipt.objects.select_for_update().select_related("document").get(pk=receipt.pk)
    document = receipt.document
    if not document.reply_by:
        raise ValidationError(_("This document asks for no reply."), code="no_reply_asked")
    if receipt.replied_at is not None:
        raise ValidationError(_("This document was replied to already."), code="replied_already")
    text = (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Write the reply.")
    if document.evidence_required and evidence is None:
        errors["evidence"] = _("This document asks for evidence with the reply.")
    sha256 = ""
    if evidence is not None and "evidence" not in errors:
        try:
            _content_type, sha256 = check_upload(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    if receipt.signed_at is None:
        receipt.signed_at, receipt.signed_by = now, actor
    receipt.reply_text, receipt.replied_at, receipt.replied_by = text, now, actor
    if evidence is not None:
        receipt.reply_file_name = evidence.name[-200:]
        receipt.reply_sha256 = sha256
        receipt.reply_file.save(evidence.name, evidence, save=False)
    receipt.save()
    ledger.record(
        actor=actor,
        action="documents.receipt.reply",
        target=receipt,
        before=None,
        after={"document": document.pk, "node": receipt.node_id, "evidence": sha256},
    )
    return receipt


def remind_unsigned(*, today: datetime.date | None = None) -> int:
    """Remind, once, the units that have not signed for a document within
    ``DOCUMENTS_SIGN_DAYS`` days of its issue (and the sender sees it on the document)."""
    from oversight.notify.services import Message, notify_many
    from oversight.orgs.models import Account

    today = today or timezone.localdate()
    due = today - datetime.timedelta(days=settings.DOCUMENTS_SIGN_DAYS)
    with transaction.atomic():
        late = list(
            Receipt.objects.select_for_update(skip_locked=True)
            .filter(signed_at__isnull=True, reminded_at__isnull=True, document__issued_on__lte=due)
            .select_related("document")[:2000]
        )
        if not late:
            return 0
        accounts: dict[int, list] = {}
        for account in Account.objects.filter(
            org_node__in={r.node_id for r in late}, is_active=True
        ):
            accounts.setdefault(account.org_node_id, []).append(account)
        notify_many(
            [
                Message(
                    recipients=accounts.get(r.node_id, ()),
                    kind="documents.unsigned",
                    title=_("Not yet signed for: %(serial)s %(title)s")
                    % {"serial": r.document.serial, "title": r.document.title},
                    url=reverse("documents:received_detail", args=[r.pk]),
                    target=r,
                    dedupe_key=f"documents.unsigned:{r.pk}",
                )
                for r in late
            ]
        )
        Receipt.objects.filter(pk__in=[r.pk for r in late]).update(reminded_at=timezone.now())
    return len(late)


def _snapshot(document: Document) -> dict[str, Any]:
    return {
        "serial": document.serial,
        "doc_type": document.doc_type,
        "issuer_node_id": document.issuer_node_id,
        "issued_on": document.issued_on.isoformat(),
        "sha256": document.sha256,
        "template_sha256": document.template_sha256,
        "target": f"{document.target_type}:{document.target_id}" if document.target_type else "",
    }


def document_is_intact(*, document: Document) -> bool | None:
    """Whether the stored file still has the digest recorded at issue; None if it is missing."""
    digest = hashlib.sha256()
    try:
        with document.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest() == document.sha256


# --- templates ------------------------------------------------------------------------------


def sample_content(doc_type: str) -> dict[str, Any]:
    """Values that exercise every placeholder, for checking an uploaded template."""
    return {
        "issuer": _("Qinghe County Commission for Discipline Inspection"),
        "document_name": str(DocType(doc_type).label),
        "serial": "清纪建〔2026〕1号",
        "date": format_date(datetime.date(2026, 1, 5)),
        "year": 2026,
        "recipient_unit": _("County Education Bureau"),
        "title": _("Sample title & <check>"),
        "body": "1\n2",
        "paragraphs": ["1", "2"],
        "deadline": format_date(datetime.date(2026, 2, 5)),
        "deadline_sentence": builtin.deadline_sentence(
            doc_type, format_date(datetime.date(2026, 2, 5))
        ),
        "signature": _("Qinghe County Commission for Discipline Inspection"),
        "extra": {},
    }


@transaction.atomic
def template_upload(
    *, doc_type: str, name: str, data: bytes, actor, activate: bool = False
) -> DocumentTemplate:
    """Store an administrator's Word template after checking that it opens and renders.

    ValidationError on ``file`` names the problem: not a .docx, too large, a placeholder error,
    a placeholder the platform does not fill, no ``{{ serial }}``.
    """
    errors: dict[str, ValidationError] = {}
    if doc_type not in DocType.values:
        errors["doc_type"] = ValidationError(_("Unknown type of document."), code="unknown")
    name = (name or "").strip()
    if not name:
        errors["name"] = ValidationError(_("Give the template a name."), code="required")
    elif len(name) > 120:
        errors["name"] = ValidationError(_("At most 120 characters."), code="too_long")
    if len(data) > settings.DOCUMENTS_TEMPLATE_MAX_BYTES:
        errors["file"] = ValidationError(
            _("The file is larger than %(size)d MB.")
            % {"size": settings.DOCUMENTS_TEMPLATE_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    if errors:
        raise ValidationError(errors)
    try:
        variables = rendering.check(data, sample_content(doc_type))
    except rendering.TemplateProblem as exc:
        raise ValidationError({"file": ValidationError(str(exc), code="template")}) from exc
    template = DocumentTemplate(
        doc_type=doc_type,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        variables=variables,
        uploaded_by=actor,
    )
    template.file.save(f"{doc_type}.docx", ContentFile(data), save=False)
    template.save()
    ledger.record(
        actor=actor,
        action="documents.template.upload",
        target=template,
        before=None,
        after={"doc_type": doc_type, "name": name, "sha256": template.sha256},
    )
    if activate:
        template_activate(template=template, actor=actor)
    return template


@transaction.atomic
def template_activate(*, template: DocumentTemplate, actor) -> bool:
    """Make ``template`` the one used for its type; False when it already was."""
    rows = list(DocumentTemplate.objects.select_for_update().filter(doc_type=template.doc_type))
    if any(row.pk == template.pk and row.is_active for row in rows):
        return False
    DocumentTemplate.objects.filter(doc_type=template.doc_type, is_active=True).update(
        is_active=False
    )
    DocumentTemplate.objects.filter(pk=template.pk).update(is_active=True)
    template.is_active = True
    ledger.record(
        actor=actor,
        action="documents.template.activate",
        target=template,
        before=None,
        after={"doc_type": template.doc_type, "sha256": template.sha256},
    )
    return True


@transaction.atomic
def template_use_builtin(*, doc_type: str, actor) -> bool:
    """Go back to the built-in template for ``doc_type``; False when it was already in use."""
    if doc_type not in DocType.values:
        raise ValidationError(
            {"doc_type": ValidationError(_("Unknown type of document."), code="unknown")}
        )
    changed = DocumentTemplate.objects.filter(doc_type=doc_type, is_active=True).update(
        is_active=False
    )
    if changed:
        ledger.record(
            actor=actor,
            action="documents.template.use_builtin",
            target=("documents.doctype", doc_type),
            before=None,
            after={"doc_type": doc_type, "template": "builtin"},
        )
    return bool(changed)


# --- serial number prefixes -----------------------------------------------------------------

PREFIX_PATTERN = re.compile(r"^\S{1,20}$")


@transaction.atomic
def prefix_set(*, node, doc_type: str, prefix: str, actor) -> SerialPrefix | None:
    """Set the serial number prefix of ``node`` for ``doc_type``; an empty one restores the
    default (and returns None). Numbers are not affected: they run per node, type and year."""
    if doc_type not in DocType.values:
        raise ValidationError(
            {"doc_type": ValidationError(_("Unknown type of document."), code="unknown")}
        )
    prefix = (prefix or "").strip()
    if not prefix:
        row = SerialPrefix.objects.filter(node=node, doc_type=doc_type).first()
        if row is not None:
            row_id = row.pk
            row.delete()
            # The prefix row's own leaf: a before and no after says it was removed.
            ledger.record(
                actor=actor,
                action="documents.prefix.reset",
                target=("documents.serialprefix", row_id),
                before={"node_id": node.pk, "doc_type": doc_type, "prefix": row.prefix},
                after=None,
            )
        return None
    if not PREFIX_PATTERN.match(prefix) or any(ch in prefix for ch in serials.FORBIDDEN_IN_PREFIX):
        raise ValidationError(
            {
                "prefix": ValidationError(
                    _(
                        "A prefix is 1 to 20 characters without spaces or brackets; "
                        "the year and number are added to it."
                    ),
                    code="invalid",
                )
            }
        )
    row, _created = SerialPrefix.objects.update_or_create(
        node=node, doc_type=doc_type, defaults={"prefix": prefix, "updated_by": actor}
    )
    ledger.record(
        actor=actor,
        action="documents.prefix.set",
        target=row,
        before=None,
        after={"node_id": node.pk, "doc_type": doc_type, "prefix": prefix},
    )
    return row


# --- drafting, review and signing (拟稿 → 审核 → 签发) ----------------------------------------


@transaction.atomic
def draft_create(
    *,
    actor,
    doc_type: str,
    issuer_node,
    context: Mapping[str, Any],
    recipients: Sequence = (),
    reply_by: datetime.date | None = None,
    evidence_required: bool = False,
) -> Draft:
    """Open a draft (a ``documents.draft`` work item at the issuing node, held by its drafter);
    nothing is numbered until it is signed."""
    from oversight.loop import services as loop

    if doc_type not in DocType.values:
        raise ValidationError(
            {"doc_type": ValidationError(_("Unknown type of document."), code="unknown_type")}
        )
    content = clean_content(context)
    item = loop.item_open(
        kind="documents.draft",
        title=content["title"],
        actor=actor,
        responsible_node=issuer_node,
        supervising_node=issuer_node,
        assignee=actor,
        announce=False,
    )
    stored = {k: _plain(v) for k, v in context.items() if k != "paragraphs"}
    draft = Draft.objects.create(
        item=item,
        doc_type=doc_type,
        issuer_node=issuer_node,
        context=stored,
        reply_by=reply_by,
        evidence_required=evidence_required,
    )
    draft.recipients.set(list(recipients))
    return draft


def draft_issue(*, item, actor) -> Document:
    """The signing step's hook: issue the draft (its serial number taken now), by someone
    other than its drafter."""
    draft = Draft.objects.select_for_update().get(item=item)
    if draft.document_id is not None:
        raise ValidationError(_("This draft was issued already."), code="draft_issued")
    if actor is not None and actor.pk == item.created_by_id:
        raise ValidationError(
            _("A draft is signed by someone other than its drafter."), code="signer_is_drafter"
        )
    document = issue_document(
        doc_type=draft.doc_type,
        issuer_node=draft.issuer_node,
        actor=actor,
        context=draft.context,
        target=item,
        recipients=list(draft.recipients.all()),
        reply_by=draft.reply_by,
        evidence_required=draft.evidence_required,
    )
    draft.document = document
    draft.save(update_fields=["document"])
    return document
