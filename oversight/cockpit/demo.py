"""The demonstration county's cockpit: the roles that open it, and maps of its towns and of
each town's villages, generated here (nothing is downloaded): each area is a wedge of a
jittered disc, neighbours sharing their borders."""

from __future__ import annotations

import math
import random

from oversight.orgs import demo as org_demo
from oversight.orgs.models import Account, OrgNode

from . import services
from .models import MapLayer

EXTRA_PERMISSIONS = {
    "leader": [
        "cockpit:screen:view", "loop:item:view", "matters:matter:view", "public:complaint:view",
        "public:style:view", "analytics:warning:view", "ledger:audit:view",
        "schedules:digest:receive",
    ],
    "supervisor": ["cockpit:screen:view"],
    "stationed_officer": ["cockpit:screen:view"],
    "town_officer": ["cockpit:screen:view"],
    "unit_clerk": ["cockpit:screen:view"],
}  # fmt: skip

CENTRE = (115.67, 37.07)  # roughly where a county of the North China Plain lies


def grant_permissions() -> None:
    org_demo.grant_permissions(EXTRA_PERMISSIONS)


def wedges(
    areas: list[OrgNode], *, centre: tuple[float, float], radius: float, rng: random.Random
) -> dict:
    """A FeatureCollection dividing a jittered disc around ``centre`` into one wedge per area."""
    steps_per_area = 6
    total = max(1, len(areas)) * steps_per_area
    outline = []
    for k in range(total):
        angle = 2 * math.pi * k / total
        r = radius * (0.75 + 0.25 * rng.random())
        outline.append((centre[0] + r * math.cos(angle), centre[1] + 0.8 * r * math.sin(angle)))
    hub = (centre[0] + radius * 0.05 * (rng.random() - 0.5), centre[1])
    features = []
    for i, area in enumerate(areas):
        arc = [outline[(i * steps_per_area + j) % total] for j in range(steps_per_area + 1)]
        ring = [list(hub), *[list(p) for p in arc], list(hub)]
        ring = [[round(x, 5), round(y, 5)] for x, y in ring]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": area.code, "name": area.name},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions()
    county = OrgNode.objects.filter(code="QH").first()
    if county is None or MapLayer.objects.filter(node=county).exists():
        return
    admin = Account.objects.filter(username="admin").first()
    towns = list(OrgNode.objects.filter(parent=county, type=OrgNode.Type.TOWN).order_by("code"))
    import json

    services.map_upload(
        node=county,
        content=json.dumps(wedges(towns, centre=CENTRE, radius=0.25, rng=rng)),
        actor=admin,
    )
    for i, town in enumerate(towns):
        villages = list(OrgNode.objects.filter(parent=town).order_by("code"))
        if not villages:
            continue
        angle = 2 * math.pi * (i + 0.5) / len(towns)
        centre = (CENTRE[0] + 0.15 * math.cos(angle), CENTRE[1] + 0.12 * math.sin(angle))
        services.map_upload(
            node=town,
            content=json.dumps(wedges(villages, centre=centre, radius=0.05, rng=rng)),
            actor=admin,
        )
    if stdout is not None:
        stdout.write(f"cockpit: maps of the county and {len(towns)} towns\n")
