"""Official vehicles (公车监管): vehicles of units, the geofences they are watched against, the
sealing periods in which they stay put, trip orders, the position batches imported (the points
themselves live in Parquet files of the analytics workspace, see ``positions.py``) and the
warnings the rules raise, each a work item of the kind ``fleet.warning``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oversight.loop.models import WorkItem
from oversight.orgs.models import OrgNode, Person


class Vehicle(models.Model):
    """An official car of a unit."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        SEALED = "sealed", _("Sealed off")
        RETIRED = "retired", _("Retired")

    plate = models.CharField(_("plate"), max_length=16, unique=True)
    unit = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind of vehicle"), max_length=40, blank=True)
    driver = models.ForeignKey(
        Person,
        verbose_name=_("driver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_SERVICE
    )

    class Meta:
        ordering = ["plate"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.plate


class Geofence(models.Model):
    """An area vehicles are watched against, as GeoJSON geometry in WGS-84 (a circle is stored
    as the polygon shapely buffers it into)."""

    class Kind(models.TextChoices):
        GARAGE = "garage", _("Garage")
        PERMITTED = "permitted", _("Permitted area")
        CONCERN = "concern", _("Place of concern")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind of area"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    geometry = models.JSONField(_("geometry"))
    vehicles = models.ManyToManyField(
        Vehicle, verbose_name=_("vehicles"), blank=True, related_name="fences"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "name"], name="fleet_fence_once")
        ]
        verbose_name = _("geofence")
        verbose_name_plural = _("geofences")

    def __str__(self) -> str:
        return self.name


class SealingPeriod(models.Model):
    """Days (local dates, both included) in which official cars stay sealed in their garages:
    a national holiday from the working-day calendar, or one the commission declares."""

    class Source(models.TextChoices):
        HOLIDAY = "holiday", _("National holiday")
        DECLARED = "declared", _("Declared by the commission")

    name = models.CharField(_("name"), max_length=120)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    declared_by = models.ForeignKey(
        OrgNode,
        verbose_name=_("declared by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["start", "end"], name="fleet_sealing_once"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="fleet_sealing_order"
            ),
        ]
        verbose_name = _("sealing period")
        verbose_name_plural = _("sealing periods")

    def __str__(self) -> str:
        return f"{self.name} ({self.start}–{self.end})"


class TripOrder(models.Model):
    """A recorded trip order (派车单): use of the car in its span is authorised."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="trip_orders")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=200)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start"]
        indexes = [models.Index(fields=["vehicle", "start"], name="fleet_trip_vehicle_start")]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.start:%Y-%m-%d %H:%M}"


class PositionBatch(models.Model):
    """One file or API batch of positions: how many rows were kept and why the others were
    refused, row by row. The points are in ``positions.path_for(batch)``."""

    class Crs(models.TextChoices):
        WGS84 = "wgs84", _("WGS-84 (GPS)")
        GCJ02 = "gcj02", _("GCJ-02 (most Chinese maps)")
        BD09 = "bd09", _("BD-09 (Baidu)")

    source = models.CharField(_("source"), max_length=120)
    crs = models.CharField(_("coordinates"), max_length=8, choices=Crs.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("points kept"), default=0)
    first_at = models.DateTimeField(_("first point"), null=True, blank=True)
    last_at = models.DateTimeField(_("last point"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("position batch")
        verbose_name_plural = _("position batches")

    def __str__(self) -> str:
        return f"{self.source} #{self.pk}"


class Rule(models.Model):
    """A rule's settings (one row per kind): whether it runs, how long the state must last
    before it fires and, for long trips, how far from home the car must be."""

    class Kind(models.TextChoices):
        SEALED_USE = "sealed_use", _("Used while sealed")
        OUTSIDE_PERMITTED = "outside_permitted", _("Outside its permitted area")
        ODD_HOURS = "odd_hours", _("Used at odd hours without a trip order")
        CONCERN_STAY = "concern_stay", _("Stay at a place of concern")
        LONG_TRIP = "long_trip", _("Long trip without a trip order")

    kind = models.CharField(_("rule"), max_length=24, choices=Kind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    dwell_minutes = models.PositiveIntegerField(_("dwell time (minutes)"))
    distance_km = models.PositiveIntegerField(
        _("distance from home (km)"),
        null=True,
        blank=True,
        help_text=_("Long trips: how far beyond its garages and permitted areas a car must be."),
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class FleetWarning(models.Model):
    """A rule fired on a vehicle over a span of its track: the unit explains it on its work
    item, the supervisor verifies."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="warnings")
    rule = models.CharField(_("rule"), max_length=24, choices=Rule.Kind.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"))
    raised_on = models.DateField(_("raised"))
    evidence = models.JSONField(_("evidence"))
    item = models.OneToOneField(WorkItem, on_delete=models.CASCADE, related_name="fleet_warning")

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle", "rule", "started_at"], name="fleet_warning_once"
            )
        ]
        indexes = [models.Index(fields=["raised_on"], name="fleet_warning_raised")]
        verbose_name = _("vehicle warning")
        verbose_name_plural = _("vehicle warnings")

    def __str__(self) -> str:
        return f"{self.vehicle} · {self.get_rule_display()} · {self.started_at:%Y-%m-%d %H:%M}"
