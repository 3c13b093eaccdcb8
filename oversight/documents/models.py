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
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def document_name(self):
        return DocType(self.doc_type).label
