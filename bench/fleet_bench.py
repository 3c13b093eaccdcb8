"""Official vehicles benchmark: positions of many cars for a month (30-second points while a car
moves, gaps when it stands, as the issue's ≈50 M points a year for 5,000 cars are), then

1. parsing a file's rows (``positions.parse``: every row checked) on a sample, in rows/s, in
   WGS-84 and in GCJ-02 (converted to WGS-84 by prcoords' iterative inverse);
2. writing the points as one Parquet file (``positions.write``) and reading a month back with
   DuckDB (``positions.track``'s query);
3. evaluating every rule (``rules.evaluate``, shapely) over the month of every car, with a
   permitted area (also the cars' home for long trips), two places of concern and a sealing
   period; peak memory of the process.

No database is needed: the parts timed are those a run spends its time in.

    .venv/bin/python bench/fleet_bench.py                          # 1,000 cars
    .venv/bin/python bench/fleet_bench.py --vehicles 5000          # the issue's province

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vehicles", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--trips", type=int, default=1, help="trips of 14 minutes a day")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.test_settings")
    work = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    os.environ["ANALYTICS_WORKSPACE_DIR"] = str(work)
    import django

    django.setup()
    from django.conf import settings
    from machine import describe
    from shapely.geometry import Point as ShapelyPoint
    from shapely.geometry import box, mapping

    from oversight.fleet import positions, rules
    from oversight.lib.workdays import WorkCalendar

    settings.ANALYTICS_WORKSPACE_DIR = work
    print(describe())
    rng = random.Random(23)
    zone = positions.local_zone()
    start = datetime.datetime(2025, 9, 15, tzinfo=zone)
    points: list[positions.Point] = []
    began = time.perf_counter()
    for v in range(args.vehicles):
        home = (115.67 + rng.uniform(-0.1, 0.1), 37.07 + rng.uniform(-0.08, 0.08))
        for d in range(args.days):
            for t in range(args.trips):
                at = start + datetime.timedelta(days=d, hours=8 + 4 * t, minutes=rng.randrange(60))
                for k in range(28):  # 14 minutes of 30-second points
                    points.append(
                        positions.Point(
                            v,
                            (at + datetime.timedelta(seconds=30 * k)).astimezone(datetime.UTC),
                            home[0] + 0.001 * k,
                            home[1] + 0.0005 * k,
                            40.0,
                            True,
                        )
                    )
    print(
        f"generated {len(points):,} points of {args.vehicles:,} cars over {args.days} days "
        f"in {time.perf_counter() - began:.1f} s"
    )

    sample = points[:200_000]
    rows = [
        {"plate": f"P{p.vehicle_id}", "time": p.at.isoformat(), "longitude": p.lon,
         "latitude": p.lat, "speed": p.speed, "ignition": p.ignition}
        for p in sample
    ]  # fmt: skip
    plates = {f"P{v}": v for v in range(args.vehicles)}
    began = time.perf_counter()
    parsed, errors = positions.parse(rows, plates=plates, crs="wgs84")
    took = time.perf_counter() - began
    assert not errors and len(parsed) == len(sample)
    rate = len(sample) / took
    print(
        f"parse: {len(sample):,} rows in {took:.2f} s = {rate:,.0f} rows/s "
        f"(50 M rows would take {50e6 / rate / 60:.1f} min)"
    )

    gcj_sample = sample[:20_000]
    gcj_rows = [
        {**row, "longitude": gcj[0], "latitude": gcj[1]}
        for row, p in zip(rows, gcj_sample, strict=False)
        for gcj in [positions.from_wgs84("gcj02", p.lon, p.lat)]
    ]
    began = time.perf_counter()
    parsed, errors = positions.parse(gcj_rows, plates=plates, crs="gcj02")
    took = time.perf_counter() - began
    assert not errors and len(parsed) == len(gcj_sample)
    rate = len(gcj_sample) / took
    print(
        f"parse GCJ-02: {len(gcj_sample):,} rows in {took:.2f} s = {rate:,.0f} rows/s "
        f"(50 M rows would take {50e6 / rate / 60:.1f} min)"
    )

    began = time.perf_counter()
    pending = positions.write(1, points)
    positions.publish(pending)
    took = time.perf_counter() - began
    size = positions.path_for(1).stat().st_size
    print(
        f"write Parquet: {len(points):,} points in {took:.2f} s "
        f"({len(points) / took:,.0f} points/s, {size / 1e6:.1f} MB)"
    )

    import duckdb

    began = time.perf_counter()
    connection = duckdb.connect()
    count = connection.execute(
        "select count(*) from (select vehicle_id, ts from read_parquet(?) "
        "group by vehicle_id, ts order by vehicle_id, ts)",
        [str(positions.path_for(1))],
    ).fetchone()[0]
    print(
        f"read back a month (deduplicated, ordered): {count:,} points in "
        f"{time.perf_counter() - began:.2f} s"
    )

    calendar = WorkCalendar()
    county = rules.Area("county", rules.geometry(mapping(ShapelyPoint(115.67, 37.07).buffer(0.18))))
    concern = [
        rules.Area("resort", rules.geometry(mapping(box(115.79, 37.01, 115.80, 37.02)))),
        rules.Area("ktv", rules.geometry(mapping(box(115.62, 37.08, 115.63, 37.09)))),
    ]
    sealed = {datetime.date(2025, 10, 1) + datetime.timedelta(days=k) for k in range(8)}
    dwell = {
        "sealed_use": datetime.timedelta(0),
        "outside_permitted": datetime.timedelta(minutes=15),
        "odd_hours": datetime.timedelta(minutes=10),
        "concern_stay": datetime.timedelta(minutes=30),
        "long_trip": datetime.timedelta(minutes=240),
    }
    home = rules.Reach((county,), 10)  # one home for all: its grown shape is built once
    by_vehicle: dict[int, list] = {}
    for p in points:
        by_vehicle.setdefault(p.vehicle_id, []).append(p)
    began = time.perf_counter()
    found = 0
    for track in by_vehicle.values():
        ctx = rules.Context(
            zone=zone, is_working_day=calendar.is_working_day, sealed_days=sealed,
            permitted=[county], concern=concern, home=home,
        )  # fmt: skip
        found += len(rules.evaluate(track, ctx, dwell))
    took = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"all rules over {len(points):,} points: {took:.1f} s "
        f"({len(points) / took:,.0f} points/s), {found:,} episodes; peak memory {peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
