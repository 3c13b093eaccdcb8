"""Major matters: what a leader or supervisor registers, and the milestones of its tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem


class Matter(models.Model):
    """A major decision, key project or instruction from above, supervised as a work item."""

    class Category(models.TextChoices):
        DECISION = "decision", _("Major decision")
        PROJECT = "project", _("Key project")
        INSTRUCTION = "instruction", _("Instruction from above")
        OTHER = "other", _("Other")

    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="matter")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("major matter")
        verbose_name_plural = _("major matters")

    def __str__(self) -> str:
        return self.item.title


class Milestone(models.Model):
    """A dated step of a task, ticked off by the responsible unit."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]
        # The measures' periods: milestones due in a month.
        indexes = [models.Index(fields=["due"], name="matters_milestone_due")]

    def __str__(self) -> str:
        return self.title
