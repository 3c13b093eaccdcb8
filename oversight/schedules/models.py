"""What the schedule service has opened: one work item per obligation, occurrence and unit."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode


class Obligation(models.Model):
    """An occurrence of a recurring obligation for one unit, and the work item that tracks it;
    the unique key makes the daily job open each exactly once."""

    schedule = models.CharField(_("schedule"), max_length=64)
    key = models.CharField(_("occurrence"), max_length=16)
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    due = models.DateField(_("due"))
    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="obligation")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "key", "node"], name="schedules_obligation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.key} {self.node_id}"
