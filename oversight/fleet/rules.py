"""The rules, evaluated on a vehicle's state over time (inside or outside an area, used or
not), not on fence crossings: a car parked all evening inside a place of concern crosses
nothing. Each rule marks the points where its condition holds; a run of such points lasting at
least the rule's dwell time is one episode, and each episode is a warning with its track
excerpt as evidence. Geometry is shapely's (``covers``: a point on a fence's edge is inside);
distances from home (long trips) are measured in a local equirectangular frame (``Reach``).

Nothing here touches the database: ``services.rules_run`` gathers the inputs."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from shapely import Point as ShapelyPoint
from shapely import prepare
from shapely.affinity import scale
from shapely.geometry import shape

from .positions import Point

MOVING_KMH = 3.0  # below this a car with its engine off is parked (GPS jitter)
BREAK = datetime.timedelta(minutes=10)  # a gap in the track longer than this ends an episode
NIGHT = (22, 6)  # local hours: from 22:00 to 06:00
EXCERPT = 120  # points kept as evidence, evenly sampled
LONG_BREAK = datetime.timedelta(hours=1)  # a car parked away may report rarely: a long trip's gap
KM_PER_DEGREE = 111.195  # of latitude (and of longitude at the equator), on a 6,371 km sphere


def geometry(geojson: dict):
    """A prepared shapely geometry from GeoJSON (a geometry, a Feature, or a
    FeatureCollection whose geometries are united)."""
    from shapely import union_all

    if geojson.get("type") == "FeatureCollection":
        geom = union_all([shape(f["geometry"]) for f in geojson.get("features", [])])
    elif geojson.get("type") == "Feature":
        geom = shape(geojson["geometry"])
    else:
        geom = shape(geojson)
    prepare(geom)
    return geom


@dataclass(frozen=True)
class Area:
    name: str
    geometry: object  # prepared shapely geometry

    def covers(self, point: Point) -> bool:
        return self.geometry.covers(ShapelyPoint(point.lon, point.lat))


@dataclass(frozen=True)
class Reach:
    """Home areas grown by ``km``: shapely measures in a local equirectangular frame (longitude
    scaled by the cosine of the areas' middle latitude, so a degree is the same length both
    ways), close enough over a county or a province."""

    areas: tuple[Area, ...]
    km: float

    @cached_property
    def _frame(self):
        from shapely import union_all

        home = union_all([a.geometry for a in self.areas])
        factor = math.cos(math.radians((home.bounds[1] + home.bounds[3]) / 2))
        flat = scale(home, xfact=factor, yfact=1.0, origin=(0, 0))
        grown = flat.buffer(self.km / KM_PER_DEGREE) if self.km > 0 else flat
        prepare(grown)
        return factor, flat, grown

    def _flat(self, point: Point) -> ShapelyPoint:
        return ShapelyPoint(point.lon * self._frame[0], point.lat)

    def covers(self, point: Point) -> bool:
        return self._frame[2].covers(self._flat(point))

    def km_from_home(self, point: Point) -> float:
        return self._frame[1].distance(self._flat(point)) * KM_PER_DEGREE


@dataclass
class Context:
    """What the rules know of one vehicle: its areas (home: its garages and permitted areas),
    sealing periods (local dates), trip orders (UTC spans), the local time zone and the
    working-day calendar."""

    zone: datetime.tzinfo
    is_working_day: Callable[[datetime.date], bool]
    sealed_days: set[datetime.date] = field(default_factory=set)
    permitted: list[Area] = field(default_factory=list)
    concern: list[Area] = field(default_factory=list)
    trips: list[tuple[datetime.datetime, datetime.datetime]] = field(default_factory=list)
    home: Reach | None = None

    def local(self, point: Point) -> datetime.datetime:
        return point.at.astimezone(self.zone)

    def on_trip(self, point: Point) -> bool:
        return any(start <= point.at <= end for start, end in self.trips)


def in_use(point: Point) -> bool:
    return point.ignition or point.speed >= MOVING_KMH


def odd_hour(point: Point, ctx: Context) -> bool:
    moment = ctx.local(point)
    night = moment.hour >= NIGHT[0] or moment.hour < NIGHT[1]
    return night or not ctx.is_working_day(moment.date())


@dataclass(frozen=True)
class Episode:
    rule: str
    points: tuple[Point, ...]
    detail: dict

    @property
    def started_at(self) -> datetime.datetime:
        return self.points[0].at

    @property
    def ended_at(self) -> datetime.datetime:
        return self.points[-1].at

    def evidence(self) -> dict:
        step = max(1, len(self.points) // EXCERPT)
        kept = list(self.points[::step])
        if kept[-1] is not self.points[-1]:
            kept.append(self.points[-1])
        return {
            **self.detail,
            "points": len(self.points),
            "minutes": round((self.ended_at - self.started_at).total_seconds() / 60, 1),
            "track": [
                [p.at.isoformat(), round(p.lon, 6), round(p.lat, 6), p.speed, p.ignition]
                for p in kept
            ],
        }


def episodes(
    rule: str,
    points: Sequence[Point],
    holds: Callable[[Point], object],
    dwell: datetime.timedelta,
    gap: datetime.timedelta = BREAK,
) -> list[Episode]:
    """Runs of consecutive points where ``holds`` is truthy (its value, the same along the
    run, is the episode's detail), no gap longer than ``gap``, lasting at least ``dwell``."""
    found: list[Episode] = []
    run: list[Point] = []
    run_value = None

    def close() -> None:
        if run and run[-1].at - run[0].at >= dwell:
            found.append(Episode(rule, tuple(run), dict(run_value or {})))

    for point in points:
        value = holds(point)
        if value and run and value == run_value and point.at - run[-1].at <= gap:
            run.append(point)
            continue
        close()
        run, run_value = ([point], value) if value else ([], None)
    close()
    return found


def evaluate(
    points: Sequence[Point], ctx: Context, dwell: dict[str, datetime.timedelta]
) -> list[Episode]:
    """Every enabled rule (a key of ``dwell``) over one vehicle's points in time order."""
    found: list[Episode] = []
    if "sealed_use" in dwell:

        def sealed(p: Point):
            day = ctx.local(p).date()
            return {"day": day.isoformat()} if day in ctx.sealed_days and in_use(p) else None

        # One episode per sealed day the car was used: the unit explains each day's use.
        found += episodes("sealed_use", points, sealed, dwell["sealed_use"])
    if "outside_permitted" in dwell and ctx.permitted:

        def outside(p: Point):
            if any(area.covers(p) for area in ctx.permitted):
                return None
            return {"areas": [a.name for a in ctx.permitted]}

        found += episodes("outside_permitted", points, outside, dwell["outside_permitted"])
    if "odd_hours" in dwell:

        def odd(p: Point):
            if "sealed_use" in dwell and ctx.local(p).date() in ctx.sealed_days:
                return None  # the sealing rule speaks for these days
            return {"odd": True} if in_use(p) and odd_hour(p, ctx) and not ctx.on_trip(p) else None

        found += episodes("odd_hours", points, odd, dwell["odd_hours"])
    if "concern_stay" in dwell and ctx.concern:

        def concern(p: Point):
            for area in ctx.concern:
                if area.covers(p):
                    return {"place": area.name}
            return None

        found += episodes("concern_stay", points, concern, dwell["concern_stay"])
    if "long_trip" in dwell and ctx.home is not None and ctx.home.areas:
        reach = ctx.home
        beyond = {"home": [a.name for a in reach.areas], "beyond_km": reach.km}

        def away(p: Point):
            return None if ctx.on_trip(p) or reach.covers(p) else beyond

        # Far from home, however slowly or parked, with no trip order covering the moment.
        for episode in episodes("long_trip", points, away, dwell["long_trip"], gap=LONG_BREAK):
            farthest = max(reach.km_from_home(p) for p in episode.points)
            found.append(
                Episode(
                    episode.rule,
                    episode.points,
                    {**episode.detail, "farthest_km": round(farthest, 1)},
                )
            )
    return found
