"""Formal documents: their Word templates, serial numbers (文号) and every document issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode


class DocType(models.TextChoices):
    SUPERVISION_SUGGESTION = "supervision_suggestion", _("Supervision suggestion letter")
    RECTIFICATION_NOTICE = "rectification_notice", _("Rectification notice")
    WARNING_NOTICE = "warning_notice", _("Warning notice")
    SUPERVISION_OPINION = "supervision_opinion", _("Supervision opinion")
    FEEDBACK_SUGGESTION = "feedback_suggestion", _("Feedback suggestion")
    EVALUATION_REPORT = "evaluation_report", _("Evaluation report")
    ASSESSMENT_RESULT = "assessment_result", _("Assessment result")
    CIRCULAR = "circular", _("Circular")
    INTEGRITY_OPINION = "integrity_opinion", _("Integrity opinion reply")
    INSPECTION_FEEDBACK = "inspection_feedback", _("Inspection feedback")
    COPY_NOTICE = "copy_notice", _("Copy notice")
    INSPECTION_SUMMARY = "inspection_summary", _("Inspection rectification summary")
    JOINT_REPORT = "joint_report", _("Joint supervision report")


class DocumentTemplate(models.Model):
    """A Word template uploaded by an administrator for one type of document.

    At most one template per type is active; with none active, the built-in template made by
    ``documents.builtin`` is used. Templates are kept after use: each document names the one it
    was rendered from.
    """

    doc_type = models.CharField(_("document type"), max_length=32, choices=DocType.choices)
    name = models.CharField(_("name"), max_length=120)
    file = models.FileField(_("file"), upload_to="documents/templates/%Y/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    variables = models.JSONField(_("placeholders"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["doc_type", "-uploaded_at", "-id"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        constraints = [
            models.UniqueConstraint(
                fields=["doc_type"], condition=Q(is_active=True), name="template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SerialPrefix(models.Model):
    """The prefix of serial numbers an org node gives one type of document (``清纪建``)."""

    node = models.ForeignKey(
        OrgNode, verbose_name=_("issuing org node"), on_delete=models.CASCADE, related_name="+"
    )
    doc_type = models.CharField(_("document type"), max_length=32, choices=DocType.choices)
    prefix = models.CharField(_("prefix"), max_length=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["node__path", "doc_type"]
        verbose_name = _("serial number prefix")
        verbose_name_plural = _("serial number prefixes")
        constraints = [
            models.UniqueConstraint(fields=["node", "doc_type"], name="serial_prefix_once"),
        ]

    def __str__(self) -> str:
        return self.prefix


class SerialCounter(models.Model):
    """The last number given per issuing node, type and year.

    Issuing locks this row (``select_for_update``) inside the issuing transaction, so numbers
    are consecutive and unique, and a rolled-back issue gives its number back.
    """

    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=32, choices=DocType.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["node", "doc_type", "year"], name="serial_counter_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}/{self.doc_type}/{self.year}: {self.last_number}"


class Document(models.Model):
    """One issued document: its serial number, its rendered .docx, its digest and its subject.

    ``content`` holds the values it was rendered with, so the printable page shows the same
    text; ``target_type``/``target_id`` name the record it concerns, as the ledger names
    targets (``"loop.workitem"``, ``"42"``).
    """

    doc_type = models.CharField(_("document type"), max_length=32, choices=DocType.choices)
    issuer_node = models.ForeignKey(
        OrgNode, verbose_name=_("issuing org node"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    serial = models.CharField(_("serial number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    recipient_unit = models.CharField(_("recipient unit"), max_length=200)
    content = models.JSONField(_("content"), default=dict)
    file = models.FileField(_("file"), upload_to="documents/issued/%Y/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    template = models.ForeignKey(
        DocumentTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    template_sha256 = models.CharField(max_length=64)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_on = models.DateField(_("date"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    evidence_required = models.BooleanField(_("evidence required with the reply"), default=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_node", "doc_type", "year", "number"], name="document_serial_once"
            ),
        ]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="document_target"),
            models.Index(fields=["issuer_node", "-issued_at"], name="document_issuer"),
            # The measures' periods: documents issued in a month.
            models.Index(fields=["issued_on"], name="document_issued_on"),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def document_name(self):
        return DocType(self.doc_type).label


class Receipt(models.Model):
    """One addressee of an issued document (收文): a unit, and the person there if one is named.

    The recipient signs for it (签收, the time recorded) and, when the document asks for one,
    replies by ``Document.reply_by`` with evidence if ``Document.evidence_required``. The
    sender reads who signed and who replied from these rows.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="receipts"
    )
    node = models.ForeignKey(
        OrgNode, verbose_name=_("recipient unit"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_text = models.TextField(_("reply"), blank=True)
    reply_file = models.FileField(
        _("evidence"), upload_to="documents/replies/%Y/", max_length=255, blank=True
    )
    reply_file_name = models.CharField(max_length=200, blank=True)
    reply_sha256 = models.CharField(max_length=64, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-document__issued_at", "node__path", "id"]
        verbose_name = _("received document")
        verbose_name_plural = _("received documents")
        constraints = [
            models.UniqueConstraint(fields=["document", "node"], name="receipt_once_per_unit"),
        ]
        indexes = [models.Index(fields=["node", "signed_at"], name="receipt_node")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.node_id}"

    @property
    def replied_late(self) -> bool:
        reply_by = self.document.reply_by
        return bool(reply_by and self.replied_at and timezone.localdate(self.replied_at) > reply_by)


class Draft(models.Model):
    """A document being drafted (拟稿), reviewed (审核) and signed (签发): a ``documents.draft``
    work item. It takes its serial number only when signed; a withdrawn draft takes none."""

    item = models.OneToOneField(
        "loop.WorkItem", on_delete=models.CASCADE, related_name="document_draft"
    )
    doc_type = models.CharField(_("document type"), max_length=32, choices=DocType.choices)
    issuer_node = models.ForeignKey(
        OrgNode, verbose_name=_("issuing org node"), on_delete=models.PROTECT, related_name="+"
    )
    context = models.JSONField(_("content"), default=dict)
    recipients = models.ManyToManyField(
        OrgNode, verbose_name=_("send to (收文 units)"), blank=True, related_name="+"
    )
    reply_by = models.DateField(_("reply by"), null=True, blank=True)
    evidence_required = models.BooleanField(_("evidence required with the reply"), default=False)
    document = models.OneToOneField(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta:
        verbose_name = _("document draft")
        verbose_name_plural = _("document drafts")

    def __str__(self) -> str:
        return self.context.get("title", "")
