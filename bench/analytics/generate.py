"""Generate a synthetic county for the comparison-model benchmark.

Usage: ``python bench/analytics/generate.py [--scale 1.0] [--seed 7] [--format csv] [OUT]``
(OUT defaults to ``bench/out/county-<scale>``). Scale 1.0 is the issue's county (1 million
residents …); the planted anomalies are written to ``OUT/planted.csv``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from oversight.analytics.engine.synthetic import generate  # noqa: E402


def main() -> None:
    """Parse the arguments, generate, print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    args = parser.parse_args()
    out = Path(args.out or ROOT / "bench" / "out" / f"county-{args.scale:g}")
    started = time.perf_counter()
    county = generate(out, scale=args.scale, seed=args.seed, format=args.format)
    print(f"generated {out} in {time.perf_counter() - started:.1f} s")
    for kind, rows in county.rows.items():
        size = county.files[kind].stat().st_size / 1e6
        print(f"  {kind:20} {rows:>11,} rows {size:9.1f} MB")
    print(f"  planted anomalies: {len(county.planted)}")


if __name__ == "__main__":
    main()
