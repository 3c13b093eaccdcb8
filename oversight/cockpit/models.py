"""What a commission configures of its cockpit: the tiles and their order, and its map."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.orgs.models import OrgNode


class Tile(models.Model):
    """One tile (a measure) a commission chose for the cockpits of its jurisdiction."""

    commission = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(_("measure"), max_length=64)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["commission", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "measure"], name="cockpit_tile_once")
        ]

    def __str__(self) -> str:
        return f"{self.commission_id} {self.order} {self.measure}"


class MapLayer(models.Model):
    """The GeoJSON of a node's areas (its towns, or its villages), uploaded by an
    administrator; each feature names the org node it draws by ``code`` (or ``name``)."""

    node = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="map_layer")
    geojson = models.JSONField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"map of {self.node_id}"
