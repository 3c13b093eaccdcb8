"""Reads of the fleet module, scoped by the org tree through the vehicle's (or fence's) unit:
a town officer sees the town's cars, their tracks and warnings, and nothing else."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from oversight.orgs.access import scope_q

from . import positions
from .models import FleetWarning, Geofence, PositionBatch, SealingPeriod, Vehicle


def vehicle_list(*, viewer, search: str = "") -> QuerySet[Vehicle]:
    """The vehicles of units in the viewer's scope."""
    qs = Vehicle.objects.filter(scope_q(viewer, node="unit")).select_related("unit", "driver")
    if search:
        qs = qs.filter(Q(plate__icontains=search) | Q(unit__name__icontains=search))
    return qs.annotate(
        open_warnings=Count("warnings", filter=Q(warnings__item__closed_at__isnull=True))
    ).order_by("plate")


def vehicle_get(*, viewer, pk: int) -> Vehicle:
    return get_object_or_404(vehicle_list(viewer=viewer), pk=pk)


def warning_list(*, viewer, rule: str = "", state: str = "") -> QuerySet[FleetWarning]:
    """Warnings on vehicles of units in the viewer's scope."""
    qs = FleetWarning.objects.filter(scope_q(viewer, node="vehicle__unit")).select_related(
        "vehicle", "vehicle__unit", "item"
    )
    if rule:
        qs = qs.filter(rule=rule)
    if state == "open":
        qs = qs.filter(item__closed_at__isnull=True)
    elif state == "closed":
        qs = qs.filter(item__closed_at__isnull=False)
    return qs.order_by("-started_at", "-pk")


def warning_get(*, viewer, pk: int) -> FleetWarning:
    """A warning by its work item's id, if its car is in the viewer's scope; else 404."""
    return get_object_or_404(warning_list(viewer=viewer), item_id=pk)


def fence_list(*, viewer) -> QuerySet[Geofence]:
    return (
        Geofence.objects.filter(scope_q(viewer, node="unit"))
        .select_related("unit")
        .annotate(cars=Count("vehicles"))
        .order_by("kind", "name")
    )


def batch_list() -> QuerySet[PositionBatch]:
    """Position batches (no unit of their own: shown to those who import them)."""
    return PositionBatch.objects.select_related("imported_by").order_by("-imported_at", "-pk")


def sealing_list() -> QuerySet[SealingPeriod]:
    return SealingPeriod.objects.select_related("declared_by").order_by("-start")


def track_of(*, vehicle: Vehicle, day: datetime.date) -> list[positions.Point]:
    """A vehicle's points on a local day (the vehicle comes from a scoped selector)."""
    zone = positions.local_zone()
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=zone)
    return positions.track([vehicle.pk], start, start + datetime.timedelta(days=1))[vehicle.pk]


def holiday_overview(*, viewer, period: SealingPeriod) -> list[dict]:
    """Every car in the viewer's scope over a sealing period: sealed, or used (with its
    warnings as the evidence)."""
    zone = positions.local_zone()
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    warnings: dict[int, list[FleetWarning]] = {}
    for warning in warning_list(viewer=viewer, rule="sealed_use").filter(
        started_at__gte=start, started_at__lt=end
    ):
        warnings.setdefault(warning.vehicle_id, []).append(warning)
    return [
        {"vehicle": v, "warnings": warnings.get(v.pk, []), "sealed": v.pk not in warnings}
        for v in vehicle_list(viewer=viewer).order_by("unit__path", "plate")
    ]


def base_map(*, viewer, node) -> list[dict]:
    """The features of the nearest uploaded map (the cockpit's GeoJSON of a node at or above
    ``node``) whose areas the viewer may see: the background the fleet's maps draw on."""
    from oversight.cockpit.selectors import map_layer_for
    from oversight.orgs.models import OrgNode

    ids = [int(x) for x in node.path.strip("/").split("/") if x.isdigit()]
    for ancestor in OrgNode.objects.filter(pk__in=ids).order_by("-depth"):
        layer, areas = map_layer_for(viewer=viewer, node=ancestor)
        if layer is not None:
            seen = {a.pk for a in areas}
            return [
                {**f, "properties": {"name": f["properties"].get("name", "")}}
                for f in layer.geojson["features"]
                if f["properties"].get("node") in seen
            ]
    return []


def map_data(*, viewer, node, fences, track, warnings=()) -> dict:
    """What the map page's ECharts draws: the background areas and fences as one registered
    GeoJSON map, the track as a line and the warnings' spans as marked points."""
    from shapely.geometry import box, mapping

    features = base_map(viewer=viewer, node=node)
    fence_names = []
    for fence in fences:
        name = f"{fence.get_kind_display()} · {fence.name}"
        fence_names.append({"name": name, "kind": fence.kind})
        features.append(
            {"type": "Feature", "properties": {"name": name}, "geometry": fence.geometry}
        )
    line = [[p.lon, p.lat] for p in track]
    if not features and line:
        lons, lats = [c[0] for c in line], [c[1] for c in line]
        frame = box(min(lons) - 0.01, min(lats) - 0.01, max(lons) + 0.01, max(lats) + 0.01)
        features.append({"type": "Feature", "properties": {"name": ""}, "geometry": mapping(frame)})
    marks = []
    for warning in warnings:
        for at, lon, lat, *_rest in warning.evidence.get("track", [])[:1]:
            marks.append({"name": warning.get_rule_display(), "value": [lon, lat], "at": at})
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "fences": fence_names,
        "track": line,
        "times": [p.at.astimezone(positions.local_zone()).strftime("%H:%M") for p in track],
        "marks": marks,
    }
