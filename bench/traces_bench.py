"""Trace graph: the in-memory part of a graph's analysis — breadth-first shortest paths and
every flagged-path pattern — on a synthetic graph (no database: assembling the graph reads the
modules' selectors, whose speed their own benchmarks measure).

    .venv/bin/python bench/traces_bench.py [--people 20000]

Each person has a unit, one or two relatives, and some people and relatives are named by
warnings; figures: assembly of the in-memory graph, every pattern over every person's
neighbourhood, 100 shortest paths between random nodes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.test_settings")

import django  # noqa: E402

django.setup()

from machine import describe  # noqa: E402

from oversight.traces import rules  # noqa: E402
from oversight.traces.graph import Graph  # noqa: E402


def build(people: int, rng: random.Random) -> Graph:
    g = Graph(root="")
    for p in range(people):
        person = f"person:{p}"
        g.add_node(person, f"P{p}", "person")
        unit = f"unit:{p % 500}"
        g.add_node(unit, f"U{p % 500}", "unit")
        g.add_edge(person, unit, "works_in", "works in", f"orgs.person:{p}")
        for r in range(rng.randint(1, 2)):
            rel = f"relative:{p}-{r}"
            g.add_node(rel, f"R{p}-{r}", "relative")
            g.add_edge(person, rel, "relative", "spouse", f"integrity.relative:{p}")
            if rng.random() < 0.02:
                w = f"warning:{p}-{r}"
                g.add_node(w, w, "warning")
                g.add_edge(rel, w, "subject_of", "named by", f"analytics.warning:{p}")
        for k in range(rng.choice([0, 0, 0, 1, 2])):
            w = f"warning:{p}-self-{k}"
            g.add_node(w, w, "warning")
            g.add_edge(person, w, "subject_of", "named by", f"analytics.warning:{p}")
    return g


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(23)
    print(describe())
    t = time.perf_counter()
    g = build(args.people, rng)
    print(
        f"graph: {len(g.nodes):,} nodes, {len(g.edges):,} edges in {time.perf_counter() - t:.2f} s"
    )
    # index the edges once so each pattern's neighbour lookups are O(degree)
    by_source: dict[str, list[dict]] = {}
    for e in g.edges:
        by_source.setdefault(e["source"], []).append(e)

    def neighbours(node_id, *, kind=None):
        return [
            e["target"] for e in by_source.get(node_id, ()) if kind is None or e["kind"] == kind
        ]

    g.neighbours = neighbours
    t = time.perf_counter()
    found = 0
    for p in range(args.people):
        g.root = f"person:{p}"
        for pattern in rules.PATTERNS:
            found += len(pattern.find(g))
    print(
        f"all patterns over {args.people:,} people: {found:,} paths in {time.perf_counter() - t:.2f} s"
    )
    t = time.perf_counter()
    pairs = [(p, p + 500) for p in rng.sample(range(args.people - 500), 10)]  # same unit
    lengths = [len(g.shortest_path(f"relative:{a}-0", f"relative:{b}-0")) for a, b in pairs]
    took = time.perf_counter() - t
    print(
        f"10 shortest paths (relative to relative via the unit): {took:.2f} s ({took / 10 * 1000:.0f} ms each; lengths {lengths})"
    )


if __name__ == "__main__":
    main()
