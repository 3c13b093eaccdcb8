"""The demo county's 60 official cars watched over the last National Day: garages, the county
as their permitted area, two places of concern, the year's holiday sealing periods from the
working-day calendar, positions from two days before the holiday to two days after it
(30-second points while a car moves, one every 10 minutes while it stands), and planted
violations of every rule — cars used while sealed, one driven out of the county, night drives
(one of them with a trip order: no warning), evenings at a resort, two day trips to the city
far beyond the county (one with its trip order: no long-trip warning; their points come from a
second source, the dispatch system, in GCJ-02). The rules then run as an officer would run
them; a few units explain, the supervisor accepts one and confirms one.

Everything is written through the services at the present (the run is today's); the points go
to the analytics workspace like any import."""

from __future__ import annotations

import datetime
import json
import math
import random

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import box, mapping

from oversight.loop import services as loop
from oversight.loop import timing
from oversight.orgs.demo import grant_permissions
from oversight.orgs.models import Account, OrgNode, Person

from . import positions, services
from .models import FleetWarning, Vehicle

VIEW = ["fleet:vehicle:view"]
EXTRA_PERMISSIONS = {
    "leader": VIEW,
    "supervisor": [
        *VIEW,
        "fleet:vehicle:edit",
        "fleet:position:import",
        "fleet:fence:edit",
        "fleet:rule:run",
        "fleet:warning:verify",
    ],
    "stationed_officer": [*VIEW, "fleet:warning:verify"],
    "town_officer": [*VIEW, "loop:item:view", "loop:item:handle"],
    "unit_clerk": [*VIEW, "loop:item:view", "loop:item:handle"],
}
CENTRE = (115.67, 37.07)  # the cockpit demo's county map is drawn around it
CARS = 60
KINDS = ["轿车", "越野车", "商务车", "执法执勤车"]
LETTERS = "ABCDEFGHJK"


def _zone_box(lon: float, lat: float, half: float) -> dict:
    return mapping(box(lon - half, lat - half, lon + half, lat + half))


def _collection(name: str, geometry: dict) -> str:
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"name": name}, "geometry": geometry}],
        }
    )


def _last_national_day(today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    for year in (today.year, today.year - 1):
        for name, start, end in services.holiday_periods(year):
            if name == "National Day" and end + datetime.timedelta(days=2) < today:
                return start, end
    return None


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=positions.local_zone()
    )


def _drive(rows, plate, start, minutes, origin, target, rng):
    """30-second points from ``origin`` to ``target`` and back over ``minutes``."""
    steps = minutes * 2
    for k in range(steps + 1):
        share = 1 - abs(1 - 2 * k / steps)  # out and back
        lon = origin[0] + (target[0] - origin[0]) * share + rng.uniform(-0.0004, 0.0004)
        lat = origin[1] + (target[1] - origin[1]) * share + rng.uniform(-0.0004, 0.0004)
        at = start + datetime.timedelta(seconds=30 * k)
        rows.append((plate, at, lon, lat, rng.uniform(25, 60), True))


def _go(rows, plate, start, minutes, origin, target, rng):
    """30-second points from ``origin`` to ``target`` over ``minutes``, one way."""
    steps = minutes * 2
    for k in range(steps + 1):
        lon = origin[0] + (target[0] - origin[0]) * k / steps + rng.uniform(-0.0004, 0.0004)
        lat = origin[1] + (target[1] - origin[1]) * k / steps + rng.uniform(-0.0004, 0.0004)
        rows.append((plate, start + datetime.timedelta(seconds=30 * k), lon, lat, 55.0, True))


def _stand(rows, plate, start, end, place, ignition=False):
    at = start
    while at < end:
        rows.append((plate, at, place[0], place[1], 0.0, ignition))
        at += datetime.timedelta(minutes=10)


def build(*, rng: random.Random, stdout=None) -> None:
    grant_permissions(EXTRA_PERMISSIONS)
    if Vehicle.objects.exists():
        return
    today = timing.today()
    national_day = _last_national_day(today)
    county = OrgNode.objects.filter(code="QH").first()
    if county is None or national_day is None:
        return
    supervisor = Account.objects.get(username="supervisor")
    commission = OrgNode.objects.get(code="QH-JW")
    units = list(
        OrgNode.objects.filter(
            type__in=[OrgNode.Type.UNIT, OrgNode.Type.TOWN], code__startswith="QH", is_active=True
        ).order_by("code")
    )
    # cars of the demo accounts' own units first, so town1 and clerk see warnings to explain
    units.sort(key=lambda u: (u.code not in ("QH-T01", "QH-U04"), u.code))
    cars, homes = [], {}
    for n in range(CARS):
        unit = units[n % len(units)]
        driver = Person.objects.filter(org_node=unit).order_by("pk")[
            n // len(units) : n // len(units) + 1
        ]
        car = services.vehicle_create(
            actor=supervisor,
            plate=f"冀E·{LETTERS[n % len(LETTERS)]}{1000 + n * 37 % 9000:04d}",
            unit=unit,
            kind=KINDS[n % len(KINDS)],
            driver=driver[0] if driver else None,
        )
        cars.append(car)
        angle = 2 * 3.14159 * n / CARS
        homes[car.pk] = (
            round(CENTRE[0] + 0.08 * rng.uniform(0.3, 1) * math.cos(angle), 5),
            round(CENTRE[1] + 0.06 * rng.uniform(0.3, 1) * math.sin(angle), 5),
        )
    for unit in units:
        garages = [c for c in cars if c.unit_id == unit.pk]
        if garages:
            home = homes[garages[0].pk]
            services.fences_upload(
                actor=supervisor,
                unit=unit,
                kind="garage",
                content=_collection(f"{unit.name}车库", _zone_box(*home, 0.003)),
            )
    county_area = mapping(ShapelyPoint(CENTRE).buffer(0.18, quad_segs=8))
    services.fences_upload(
        actor=supervisor,
        unit=county,
        kind="permitted",
        content=_collection("清河县境内", county_area),
    )
    resort = (CENTRE[0] + 0.12, CENTRE[1] - 0.05)
    ktv = (CENTRE[0] - 0.04, CENTRE[1] + 0.02)
    for name, place in (("青山度假山庄", resort), ("金色年华KTV", ktv)):
        services.fences_upload(
            actor=supervisor,
            unit=county,
            kind="concern",
            content=_collection(name, _zone_box(*place, 0.004)),
        )
    services.sealing_from_calendar(
        actor=supervisor, year=national_day[0].year, declared_by=commission
    )

    first = national_day[0] - datetime.timedelta(days=2)
    last = national_day[1] + datetime.timedelta(days=2)
    calendar = timing.calendar()
    sealed_cars = cars[:8]  # planted: used over the holiday
    outside_car, night_cars, resort_cars = cars[10], cars[12:14], cars[15:17]
    city_cars = cars[18:20]  # a day in the city, some 65 km east: the second with its order
    city = (CENTRE[0] + 0.75, CENTRE[1] + 0.02)
    working = [d for d in _days(first, last) if calendar.is_working_day(d)]
    rows: list[tuple] = []
    for car in cars:
        home = homes[car.pk]
        day = first
        while day <= last:
            start, end = _moment(day, 0), _moment(day + datetime.timedelta(days=1), 0)
            if calendar.is_working_day(day):
                target = (home[0] + rng.uniform(-0.05, 0.05), home[1] + rng.uniform(-0.04, 0.04))
                _stand(rows, car.plate, start, _moment(day, 8, 30), home)
                _drive(rows, car.plate, _moment(day, 8, 30), 30, home, target, rng)
                _stand(rows, car.plate, _moment(day, 9, 1), _moment(day, 17), home)
                _drive(rows, car.plate, _moment(day, 17), 30, home, target, rng)
                _stand(rows, car.plate, _moment(day, 17, 31), end, home)
            elif car in sealed_cars and day == national_day[0] + datetime.timedelta(days=2):
                _stand(rows, car.plate, start, _moment(day, 10), home)
                _drive(rows, car.plate, _moment(day, 10), 40, home, resort, rng)
                _stand(rows, car.plate, _moment(day, 10, 41), end, home)
            else:
                _stand(rows, car.plate, start, end, home)
            day += datetime.timedelta(days=1)
    # planted on working days: out of the county, at night, at the resort all evening (the
    # car's ordinary points in those hours give way to the planted ones)
    plants = [(outside_car, working[0], 13, 0, 14, 1)]
    plants += [(car, working[1], 23, 0, 23, 31) for car in night_cars]
    plants += [(car, working[-1], 19, 0, 21, 30) for car in resort_cars]
    plants += [(car, working[0], 8, 30, 15, 31) for car in city_cars]
    cleared = [
        (car.plate, _moment(day, h1, m1), _moment(day, h2, m2))
        for car, day, h1, m1, h2, m2 in plants
    ]
    rows = [r for r in rows if not any(p == r[0] and a <= r[1] < b for p, a, b in cleared)]
    _drive(
        rows,
        outside_car.plate,
        _moment(working[0], 13),
        60,
        homes[outside_car.pk],
        (CENTRE[0] + 0.4, CENTRE[1]),
        rng,
    )
    for car in night_cars:
        _drive(rows, car.plate, _moment(working[1], 23), 30, homes[car.pk], ktv, rng)
    services.trip_order_add(
        actor=supervisor,
        vehicle=night_cars[1],
        start=_moment(working[1], 22, 50),
        end=_moment(working[1] + datetime.timedelta(days=1), 0, 30),
        purpose="夜间应急值守",
    )
    for car in resort_cars:
        _stand(rows, car.plate, _moment(working[-1], 19), _moment(working[-1], 21, 30), resort)
    dispatch: list[tuple] = []
    for car in city_cars:
        _go(dispatch, car.plate, _moment(working[0], 8, 30), 60, homes[car.pk], city, rng)
        _stand(dispatch, car.plate, _moment(working[0], 9, 31), _moment(working[0], 14, 30), city)
        _go(dispatch, car.plate, _moment(working[0], 14, 30), 60, city, homes[car.pk], rng)
    services.trip_order_add(
        actor=supervisor,
        vehicle=city_cars[1],
        start=_moment(working[0], 8),
        end=_moment(working[0], 16),
        purpose="参加市委党校专题培训",
        destination="市委党校",
    )
    rows.sort(key=lambda r: (r[0], r[1]))
    services.positions_import(
        actor=supervisor,
        source="车载定位平台",
        crs="wgs84",
        file_name="demo-positions.json",
        rows=[
            {
                "plate": p,
                "time": at.isoformat(),
                "longitude": lon,
                "latitude": lat,
                "speed": round(speed, 1),
                "ignition": ignition,
            }
            for p, at, lon, lat, speed, ignition in _deduplicated(rows)
        ],
    )
    services.positions_import(  # the dispatch system reports GCJ-02, as most Chinese maps do
        actor=supervisor,
        source="派车管理系统",
        crs="gcj02",
        file_name="demo-dispatch.json",
        rows=[
            {
                "plate": p,
                "time": at.isoformat(),
                "longitude": gcj[0],
                "latitude": gcj[1],
                "speed": speed,
                "ignition": ignition,
            }
            for p, at, lon, lat, speed, ignition in _deduplicated(dispatch)
            for gcj in [positions.from_wgs84("gcj02", lon, lat)]
        ],
    )
    raised = services.rules_run(
        actor=supervisor, start=first, end=last, supervising_node=commission
    )
    handlers = {
        a.org_node_id: a
        for a in Account.objects.filter(roles__key__in=["unit_clerk", "town_officer"]).order_by(
            "-pk"
        )
    }
    explained = 0
    for warning in FleetWarning.objects.filter(rule="sealed_use").order_by("pk"):
        handler = handlers.get(warning.vehicle.unit_id)
        if handler is None or explained >= 3:
            continue
        item = loop.item_transition(
            item=warning.item,
            name="explain",
            actor=handler,
            comment="节日期间临时执行防汛检查任务，已补办派车单。",
        )
        if explained == 0:
            loop.item_transition(
                item=item, name="accept", actor=supervisor, comment="派车单已核实。"
            )
        elif explained == 1:
            loop.item_transition(
                item=item, name="confirm", actor=supervisor, comment="未见派车审批，认定违规使用。"
            )
        explained += 1
    if stdout is not None:
        stdout.write(f"fleet: {len(cars)} cars, {len(rows)} points, {len(raised)} warnings\n")


def _days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _deduplicated(rows):
    seen = set()
    for r in rows:
        if (r[0], r[1]) not in seen:
            seen.add((r[0], r[1]))
            yield r
