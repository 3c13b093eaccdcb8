"""Writes of the cockpit: a commission's tiles, a node's map."""

from __future__ import annotations

import json
from numbers import Real

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oversight.ledger import services as ledger
from oversight.measures import registry
from oversight.orgs.models import OrgNode

from .models import MapLayer, Tile


@transaction.atomic
def tiles_save(*, commission: OrgNode, measures: list[str], actor) -> list[Tile]:
    """Replace the commission's tiles by ``measures``, in that order."""
    if commission.type != OrgNode.Type.COMMISSION:
        raise ValidationError({"commission": _("Tiles are chosen by a discipline commission.")})
    unknown = [m for m in measures if m not in registry.MEASURES]
    if unknown:
        raise ValidationError({"measures": _("Unknown measure: %s") % ", ".join(unknown)})
    if len(set(measures)) != len(measures):
        raise ValidationError({"measures": _("A measure is chosen twice.")})
    before = list(Tile.objects.filter(commission=commission).values_list("measure", flat=True))
    if before == measures:
        return list(Tile.objects.filter(commission=commission))
    Tile.objects.filter(commission=commission).delete()
    tiles = Tile.objects.bulk_create(
        Tile(commission=commission, measure=m, order=i) for i, m in enumerate(measures)
    )
    ledger.record(
        actor=actor,
        action="cockpit.tiles.save",
        target=commission,
        before={"tiles": before},
        after={"tiles": measures},
    )
    return tiles


def _parse(raw: bytes | str) -> dict:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"file": _("The file is not JSON: %s") % exc}) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError({"file": _("The file must be a GeoJSON FeatureCollection.")})
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError({"file": _("The FeatureCollection has no features.")})
    return data


def _ring_ok(ring) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list) and len(p) >= 2 and all(isinstance(c, Real) for c in p[:2])
            for p in ring
        )
        and ring[0][:2] == ring[-1][:2]
    )


def _check_geometry(geometry, n: int) -> None:
    kind = (geometry or {}).get("type")
    coordinates = (geometry or {}).get("coordinates")
    polygons = (
        [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    )
    if not isinstance(polygons, list) or not polygons or not all(
        isinstance(polygon, list) and polygon and all(_ring_ok(r) for r in polygon)
        for polygon in polygons
    ):  # fmt: skip
        raise ValidationError(
            {"file": _("Feature %(n)s: the geometry must be a Polygon or MultiPolygon of closed "
                       "rings of [longitude, latitude].") % {"n": n}}
        )  # fmt: skip


@transaction.atomic
def map_upload(*, node: OrgNode, content: bytes | str, actor) -> MapLayer:
    """Keep the GeoJSON of ``node``'s areas. Each feature must name one of the node's
    descendants by its ``code`` (or ``name``) property; the first that does not is named in
    the error and nothing is kept."""
    data = _parse(content)
    below = OrgNode.objects.filter(path__startswith=node.path).exclude(pk=node.pk)
    codes = dict(below.values_list("code", "pk"))
    names = dict(below.values_list("name", "pk"))
    for n, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ValidationError({"file": _("Feature %(n)s is not a GeoJSON Feature.") % {"n": n}})
        _check_geometry(feature.get("geometry"), n)
        props = feature.get("properties") or {}
        code, name = props.get("code"), props.get("name")
        node_id = codes.get(code) or names.get(name)
        if node_id is None:
            raise ValidationError(
                {"file": _("Feature %(n)s names no unit under %(node)s (code %(code)s, name "
                           "%(name)s).") % {"n": n, "node": node.name, "code": code, "name": name}}
            )  # fmt: skip
        props["node"] = node_id
        feature["properties"] = props
    existing = MapLayer.objects.filter(node=node).first()
    layer, _created = MapLayer.objects.update_or_create(
        node=node, defaults={"geojson": data, "uploaded_by": actor}
    )
    ledger.record(
        actor=actor,
        action="cockpit.map.upload",
        target=node,
        before={"features": len(existing.geojson["features"])} if existing else None,
        after={"features": len(data["features"])},
    )
    return layer
