"""Joint supervision (联合监督, M6): a plan in which several supervising departments (org nodes:
the discipline commission, audit, finance, legal, …) look at the same units for a period; each
records its findings there, shares them with the plan or keeps them, and hands a finding that
belongs to another department over as a work item of the kind ``joint.handover``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    lead = models.ForeignKey(
        OrgNode, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        OrgNode, verbose_name=_("member departments"), related_name="+"
    )
    units = models.ManyToManyField(OrgNode, verbose_name=_("units supervised"), related_name="+")
    themes = models.TextField(_("themes"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("joint supervision plan")
        verbose_name_plural = _("joint supervision plans")

    def __str__(self) -> str:
        return self.title


class JointFinding(models.Model):
    """What one member department found at one of the plan's units; ``shared`` makes it visible
    to every member of the plan, else only to the department that recorded it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        OrgNode, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("finding"))
    shared = models.BooleanField(_("shared with the plan"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "unit__path", "created_at", "id"]
        verbose_name = _("joint finding")
        verbose_name_plural = _("joint findings")

    def __str__(self) -> str:
        return self.description[:60]


class Handover(models.Model):
    """A finding handed over to the department it belongs to: it accepts within its acceptance
    deadline, handles it and reports the outcome back by the feedback deadline."""

    finding = models.ForeignKey(JointFinding, on_delete=models.PROTECT, related_name="handovers")
    to_department = models.ForeignKey(
        OrgNode, verbose_name=_("handed over to"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="handover")
    feedback_by = models.DateField(_("feedback due"))

    class Meta:
        ordering = ["feedback_by", "id"]
        verbose_name = _("clue hand-over")
        verbose_name_plural = _("clue hand-overs")

    def __str__(self) -> str:
        return f"{self.finding} → {self.to_department}"
