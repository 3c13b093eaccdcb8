"""Political-ecology score engine benchmark: 600 units × 93 indicators (7 aspects) and
3,000 leaders × 50 indicators (6 aspects), every rule type, ranks among peers by unit type.
Times the engine alone (``oversight/ecology/scoring.py``, plain Python); reading the measures
and writing the portraits are the round's database work and are not timed here yet.

    .venv/bin/python bench/ecology_bench.py
    .venv/bin/python bench/ecology_bench.py --units 60 --leaders 300   # a quicker run

Prints its figures; docs/benchmarks.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

from oversight.ecology import scoring  # noqa: E402

RULES = [
    ("all_or_nothing", {"target": 1}),
    ("per_occurrence", {"per": 0.5}),
    ("deduction", {"per": 0.5}),
    ("threshold", {"threshold": 3, "slope": 0.25}),
    ("linear", {"zero": 60, "full": 100}),
    ("rank", {}),
    ("average", {}),
    ("expression", {"formula": "points - 0.5 * max(value - base, 0)", "base": 2}),
]


def tree(aspects: int, leaves: int, rng: random.Random) -> list[scoring.Node]:
    ids = iter(range(1, 10**6))
    per_aspect = [leaves // aspects + (1 if i < leaves % aspects else 0) for i in range(aspects)]
    weights = [100 / aspects] * aspects
    roots = []
    for weight, count in zip(weights, per_aspect, strict=True):
        children = []
        for _k in range(count):
            rule, params = rng.choice(RULES)
            children.append(scoring.Node(next(ids), weight / count, rule=rule, params=params))
        roots.append(scoring.Node(next(ids), weight, children=children))
    return roots


def values_for(roots, subjects: int, rng: random.Random) -> dict:
    leaves = [n for n in scoring.walk(roots) if n.is_leaf]
    return {
        s: {
            n.id: [rng.randint(60, 100) for _ in range(3)]
            if n.rule == "average"
            else rng.randint(0, 120)
            for n in leaves
        }
        for s in range(subjects)
    }


def run(label: str, subjects: int, aspects: int, leaves: int, types: int, rng) -> float:
    roots = tree(aspects, leaves, rng)
    values = values_for(roots, subjects, rng)
    start = time.perf_counter()
    for t in range(types):  # peers of one unit type are ranked together
        group = {s: v for s, v in values.items() if s % types == t}
        results = scoring.score_all(roots, group)
        scoring.ranks_of({s: r.total for s, r in results.items()})
    elapsed = time.perf_counter() - start
    print(f"{label}: {subjects} × {leaves} indicators in {aspects} aspects: {elapsed:.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--leaders", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(2026)
    print(describe())
    total = run("units", args.units, 7, 93, 3, rng)
    total += run("leaders", args.leaders, 6, 50, 3, rng)
    print(f"total: {total:.2f} s (target: < 60 s)")


if __name__ == "__main__":
    main()
