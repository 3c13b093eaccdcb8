"""A new month of payments at county scale, compared as it arrives; print the figures.

Usage: ``python bench/analytics/incremental.py [COUNTY_DIR] [--memory-limit 4GB] [--threads 2]``
(the county from ``generate.py``; generated first when missing). Imports the county, runs every
model once (the fingerprints then known), then makes the next month of benefit payments (every
payment of the county's last month again, a month later, under new numbers, plus planted
duplicates and payments to the dead), imports it as a version that *adds* to the payments, and
runs the models on what it changed only. Prints the import of the month, the run of the
changes (per model: what it compared, seconds), and checks it against a full run on all the
data: the same new hits, nothing more.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402
from oversight.analytics.engine import Runner, Workspace, load_library  # noqa: E402
from oversight.analytics.engine.synthetic import generate, import_county, load_county  # noqa: E402

AS_OF = datetime.date(2026, 6, 30)


def next_month(workspace: Workspace, out: Path) -> tuple[Path, int, str]:
    """The county's last month of payments again, one month later, under new numbers, with
    100 payments made twice and 100 to people who died; returns (file, rows, month)."""
    files = ", ".join(f"'{f}'" for f in workspace.dataset_files("benefit_payments"))
    deaths = ", ".join(f"'{f}'" for f in workspace.dataset_files("deaths"))
    con = duckdb.connect()
    last = con.execute(f"SELECT max(period) FROM read_parquet([{files}])").fetchone()[0]
    month = (datetime.date.fromisoformat(last + "-01") + datetime.timedelta(days=31)).strftime(
        "%Y-%m"
    )
    con.execute(
        f"CREATE TABLE month AS SELECT 'N' || payment_id AS payment_id, program_code, "
        f"resident_id, name, '{month}' AS period, amount, town "
        f"FROM read_parquet([{files}]) WHERE period = '{last}'"
    )
    con.execute(
        "INSERT INTO month SELECT 'D' || payment_id, program_code, resident_id, name, period, "
        "amount, town FROM month USING SAMPLE 100 ROWS (reservoir, 7)"
    )
    con.execute(
        f"INSERT INTO month SELECT 'X' || d.resident_id, 'P01', d.resident_id, d.name, "
        f"'{month}', 500, 'Town 1' FROM read_parquet([{deaths}]) d "
        "WHERE d.resident_id NOT IN (SELECT resident_id FROM month) "
        "ORDER BY d.resident_id LIMIT 100"
    )
    rows = con.execute("SELECT count(*) FROM month").fetchone()[0]
    path = out / f"payments-{month}.csv"
    con.execute(f"COPY month TO '{path}' (HEADER)")
    con.close()
    return path, rows, month


def _rewound(workspace: Workspace, version: int, runner: Runner, models):
    """A full run on the data as it was at payments' ``version`` (a workspace beside it that
    shares the data files, with the later versions left out of its manifest)."""
    import json

    root = workspace.root.with_name(workspace.root.name + "-before")
    shutil.rmtree(root, ignore_errors=True)
    other = Workspace(root)
    manifest = json.loads((workspace.root / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["sources"]["benefit-payments"]
    entry["versions"] = [v for v in entry["versions"] if v["version"] <= version]
    (other.root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    datasets = other.root / "datasets"
    datasets.rmdir()
    datasets.symlink_to((workspace.root / "datasets").resolve())
    return Runner(other, memory_limit=runner.memory_limit, threads=runner.threads).run(
        models, as_of=AS_OF
    )


def main() -> int:
    """Run the benchmark; exit status 1 when the run of changes differs from a full run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("county", nargs="?", default=str(ROOT / "bench" / "out" / "county-1"))
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--scale", type=float, default=1.0, help="when generating the county")
    parser.add_argument(
        "--reuse", action="store_true",
        help="keep the workspace of an earlier run (county and new month imported) and only "
        "run the models again",
    )  # fmt: skip
    args = parser.parse_args()
    county_dir = Path(args.county)
    if not (county_dir / "planted.csv").exists():
        started = time.perf_counter()
        generate(county_dir, scale=args.scale, seed=7)
        print(f"generated {county_dir} in {time.perf_counter() - started:.0f} s")
    county = load_county(county_dir)
    workspace_dir = Path(f"{county_dir}-incremental")
    options = {"memory_limit": args.memory_limit, "threads": args.threads}
    print(f"machine: {describe()}; load average {os.getloadavg()[0]:.1f}")
    models = list(load_library().values())
    if args.reuse:
        workspace = Workspace(workspace_dir)
        before = workspace.source("benefit-payments").current.version - 1
        added = workspace.source("benefit-payments").current
        print(f"reused: the new month ({added.rows:,} payments) is version {added.version}")
        runner = Runner(workspace, memory_limit=args.memory_limit, threads=args.threads)
        known = {h.fingerprint for h in _rewound(workspace, before, runner, models).hits}
    else:
        shutil.rmtree(workspace_dir, ignore_errors=True)
        workspace = Workspace(workspace_dir)
        started = time.perf_counter()
        import_county(workspace, county, **options)
        print(f"county imported in {time.perf_counter() - started:.0f} s")
        runner = Runner(workspace, memory_limit=args.memory_limit, threads=args.threads)
        first = runner.run(models, as_of=AS_OF)
        known = {h.fingerprint for h in first.hits}
        print(f"first full run: {first.seconds:.1f} s, {len(known)} hits")

        path, rows, month = next_month(workspace, workspace_dir)
        before = workspace.source("benefit-payments").current.version
        started = time.perf_counter()
        report = workspace.stage("benefit-payments", path, **options)
        report.accept(adds=True)
        imported = time.perf_counter() - started
        print(
            f"\nnew month {month}: {rows:,} payments, imported (checked, added) in {imported:.1f} s"
        )

    change = workspace.change("benefit-payments", before)
    cpu = time.process_time()
    result = runner.run(models, as_of=AS_OF, known_fingerprints=known, changes=[change])
    print(
        f"run of the changes: {result.seconds:.1f} s wall ({time.process_time() - cpu:.1f} s CPU),"
        f" {len(result.new_hits)} new hits"
    )
    for stats in sorted(result.models, key=lambda m: -m.seconds):
        if stats.status == "unchanged":
            continue
        print(
            f"  {stats.model_id:28} {stats.status:9} {stats.scope:7} {stats.seconds:6.2f} s"
            f"  subjects {stats.affected:>8,}  hits {stats.hits:>6} new {stats.new_hits}"
        )
    unchanged = sum(m.status == "unchanged" for m in result.models)
    print(f"  ({unchanged} models read nothing that changed: not run)")

    full = runner.run(models, as_of=AS_OF, known_fingerprints=known)
    same = {h.comparable() for h in full.new_hits} == {h.comparable() for h in result.new_hits}
    extra = {h.comparable() for h in result.hits} - {h.comparable() for h in full.hits}
    print(
        f"\nfull run on all the data: {full.seconds:.1f} s, {len(full.new_hits)} new hits;"
        f" same new hits: {same}; hits a full run does not find: {len(extra)}"
    )
    ok = same and not extra and result.seconds < 10
    print("\nRESULT:", "ok" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
