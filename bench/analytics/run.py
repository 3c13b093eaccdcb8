"""Import a synthetic county and run every built-in comparison model; print the figures.

Usage: ``python bench/analytics/run.py [COUNTY_DIR] [--memory-limit 4GB] [--threads 2]
[--spark-sample 0.01]``. Prints import time per dataset, run time per model and in total, peak
memory (RSS), checks that every planted anomaly is found and that the exact-key models found
nothing else, and that a rerun raises no new hit. With ``--spark-sample`` the same models also
run on Spark in local mode over that share of the subjects, and the hits are compared.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402
from oversight.analytics.engine import HitStore, Runner, Workspace, load_library  # noqa: E402
from oversight.analytics.engine.synthetic import (  # noqa: E402
    check_planted,
    import_county,
    load_county,
)

# The engine never reads the clock: the run is as of a fixed date, so figures are comparable.
AS_OF = datetime.date(2026, 6, 30)


def peak_rss_gb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> int:
    """Run the benchmark; exit status 1 when a planted case is missed or an exact model misfires."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("county", nargs="?", default=str(ROOT / "bench" / "out" / "county-1"))
    parser.add_argument("--workspace")
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--spark-sample", type=float)
    args = parser.parse_args()

    county = load_county(args.county)
    workspace_dir = Path(args.workspace or f"{args.county}-workspace")
    shutil.rmtree(workspace_dir, ignore_errors=True)
    workspace = Workspace(workspace_dir)
    print(f"machine: {describe()}")
    size = sum(p.stat().st_size for p in county.files.values()) / 1e9
    print(f"county: {args.county} ({size:.2f} GB of files)")

    started, cpu = time.perf_counter(), time.process_time()
    reports = import_county(workspace, county, memory_limit=args.memory_limit, threads=args.threads)
    import_seconds = time.perf_counter() - started
    print(f"\nimport: {import_seconds:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    total_rows = 0
    for kind, report in reports.items():
        total_rows += report.total_rows
        print(
            f"  {kind:20} {report.total_rows:>11,} rows {report.seconds:7.2f} s"
            f"  rejected {report.rejected_rows}"
        )
    print(f"  {'total':20} {total_rows:>11,} rows; peak RSS so far {peak_rss_gb():.2f} GB")

    models = list(load_library().values())
    runner = Runner(workspace, memory_limit=args.memory_limit, threads=args.threads)
    cpu = time.process_time()
    result = runner.run(models, as_of=AS_OF)
    print(
        f"\nall {len(models)} models: {result.seconds:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU"
    )
    for stats in sorted(result.models, key=lambda m: -m.seconds):
        print(
            f"  {stats.model_id:28} {stats.status:6} {stats.seconds:6.2f} s"
            f"  hits {stats.hits:>6} (red {stats.red}, yellow {stats.yellow}) {stats.message}"
        )
    store = HitStore(workspace_dir / "hits.duckdb")
    added = store.record(result.hits)
    rerun = runner.run(models, as_of=AS_OF, known_fingerprints=store.known())
    added_again = store.record(rerun.hits)
    print(
        f"\nrerun: {rerun.seconds:.1f} s, new hits {len(rerun.new_hits)}, stored anew {added_again} (first run stored {added})"
    )

    failures = 0
    by_id = {m.id: m for m in models}
    check = check_planted(county, result.hits, models)
    print("\nplanted cases:")
    for model_id, outcome in check.items():
        planted = sum(1 for p in county.planted if p.model_id == model_id)
        extra = len(outcome["extra"])
        exact = by_id[model_id].exact_key
        bad = bool(outcome["missed"]) or (exact and extra)
        failures += bad
        print(
            f"  {'FAIL' if bad else 'ok  '} {model_id:28} planted {planted:4} missed {len(outcome['missed']):3}"
            f"  other hits {extra:5} {'(exact key: must be 0)' if exact else '(candidates/heuristic)'}"
        )
    if rerun.new_hits:
        failures += 1
    print(f"\npeak RSS: {peak_rss_gb():.2f} GB; load average now {os.getloadavg()[0]:.1f}")

    if args.spark_sample:
        from oversight.analytics.engine.spark import SparkRunner, local_session

        spark = local_session()
        began = time.perf_counter()
        duck = runner.run(models, as_of=AS_OF, sample=args.spark_sample)
        spark_result = SparkRunner(spark, workspace).run(
            models, as_of=AS_OF, sample=args.spark_sample
        )
        same = sorted(h.comparable() for h in duck.hits) == sorted(
            h.comparable() for h in spark_result.hits
        )
        print(
            f"\nspark local sample {args.spark_sample:g}: DuckDB {len(duck.hits)} hits in {duck.seconds:.1f} s,"
            f" Spark {len(spark_result.hits)} hits in {spark_result.seconds:.1f} s;"
            f" identical: {same} ({time.perf_counter() - began:.0f} s with start-up)"
        )
        failures += not same
        spark.stop()
    print("\nRESULT:", "ok" if not failures else f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
