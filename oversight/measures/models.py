"""Snapshots: the figures of closed periods, kept so they never change when records do."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode


class SnapshotRun(models.Model):
    """That a measure's figures for a period were taken (every node, every dimension value);
    figures that were zero have no row of their own."""

    measure = models.CharField(_("measure"), max_length=64)
    period = models.CharField(_("period"), max_length=16)
    taken_at = models.DateTimeField(_("taken"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="measures_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.period}"


class Snapshot(models.Model):
    """One measure's figure for one node (and one value of its dimension) in a closed period."""

    measure = models.CharField(_("measure"), max_length=64)
    period = models.CharField(_("period"), max_length=16)
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    param = models.CharField(max_length=64, blank=True, default="")
    count = models.BigIntegerField(default=0)
    numerator = models.FloatField(null=True)
    value = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period", "node", "param"], name="measures_snapshot_once"
            )
        ]
        indexes = [models.Index(fields=["period", "measure", "node"], name="measures_snap_read")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} {self.node_id} {self.param}"
