"""Integrity files and opinions on a generated county (the risks benchmark's county: units,
cadres with positions, 5 relatives each, yearly reports, warnings) plus a sanction for every
tenth cadre: the file of one cadre assembled (``selectors.file_of``, what the file page reads)
p50/p95 over 200 cadres, and the opinion drafted (``opinions.draft``) for 1 and for 100.

    .venv/bin/python bench/integrity_bench.py --cadres 2000 --units 60   # a couple of minutes
    DATABASE_URL=postgres://... .venv/bin/python bench/integrity_bench.py

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from duties_bench import setup_django  # noqa: E402
from machine import describe  # noqa: E402
from risks_bench import build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--cadres", type=int, default=2_000)
    args = parser.parse_args()
    setup_django(ROOT / "bench" / "out" / f"integrity-{args.units}-{args.cadres}")
    from oversight.integrity import opinions, selectors
    from oversight.integrity.models import FileView, Sanction
    from oversight.loop import timing
    from oversight.orgs.models import Account, OrgNode, Person

    on = timing.today()
    build(args.units, args.cadres, random.Random(19), on)
    people = list(Person.objects.order_by("pk"))
    if not Sanction.objects.exists():
        Sanction.objects.bulk_create(
            Sanction(person=p, kind="party_warning", decided_on=on - datetime.timedelta(days=200),
                     authority="县纪委", summary="bench")
            for p in people[::10]
        )  # fmt: skip
    viewer = Account.objects.filter(username="bench").first() or Account.objects.create_user(
        username="bench", password="x", org_node=OrgNode.objects.get(code="R")
    )
    viewer.is_superuser = True
    viewer.save()
    print(describe())
    print(f"{args.units} units, {len(people)} cadres, {len(people) * 5} relatives, on {on}")
    rng = random.Random(7)
    sample = rng.sample(people, min(200, len(people)))
    times = []
    for person in sample:
        view = FileView.objects.create(person=person, viewer=viewer, reason="bench")
        start = time.perf_counter()
        selectors.file_of(viewer=viewer, view=view, on=on)
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"file of one cadre: p50 {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms over {len(times)}")  # fmt: skip
    start = time.perf_counter()
    opinions.draft(person=sample[0], purpose="promotion", as_of=on)
    print(f"opinion for 1: {(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    for person in sample[:100]:
        opinions.draft(person=person, purpose="promotion", as_of=on)
    print(f"opinions for 100: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
