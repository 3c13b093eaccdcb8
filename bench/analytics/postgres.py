"""The same model SQL on DuckDB and, transpiled by SQLGlot, on PostgreSQL: the ratio per model.

Usage: ``python bench/analytics/postgres.py WORKSPACE [--database-url URL] [--threads 2]``
where WORKSPACE is an imported county (``bench/out/county-1-incremental`` after
``incremental.py``, or the workspace of ``run.py``). Loads the current data of every dataset
into a schema ``bench_analytics`` of the PostgreSQL database (the platform's own server; the
default is the developer database of ``DATABASE_URL``), ANALYZEs it, then runs each model's
normalised query (``runner.hit_query``) on both engines one after the other and prints the
seconds, the rows returned and PostgreSQL's time over DuckDB's.

The one rewrite on the way: DuckDB's evidence lists of structs become arrays of ``jsonb``
objects (PostgreSQL has no anonymous structs); everything else is SQLGlot's transpilation. A
model PostgreSQL refuses is printed with its error, not left out.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.machine import describe  # noqa: E402
from oversight.analytics.engine import DATASET_KINDS, Workspace, load_library  # noqa: E402
from oversight.analytics.engine.calendar import calendar_table  # noqa: E402
from oversight.analytics.engine.contracts import BUILTIN_TABLES  # noqa: E402
from oversight.analytics.engine.runner import coverage_table, hit_query  # noqa: E402

AS_OF = datetime.date(2026, 6, 30)
SCHEMA = "bench_analytics"
TYPES = {"VARCHAR": "text", "DATE": "date", "BIGINT": "bigint", "BOOLEAN": "boolean",
         "VARCHAR[]": "text[]"}  # fmt: skip


def pg_type(duck: str) -> str:
    """The PostgreSQL type of a contract column's DuckDB type."""
    return TYPES.get(duck) or duck.replace("DECIMAL", "numeric")


def to_postgres(sql: str) -> str:
    """SQLGlot's PostgreSQL for a normalised DuckDB hit query (structs as jsonb objects)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for cast in list(tree.find_all(exp.Cast)):
        if cast.to.is_type(exp.DataType.Type.ARRAY) and "STRUCT" in cast.to.sql().upper():
            cast.replace(cast.this)
    for struct in list(tree.find_all(exp.Struct)):
        args = []
        for item in struct.expressions:
            name = item.alias if isinstance(item, exp.Alias) else item.this.name
            value = item.this if isinstance(item, exp.Alias) else item.expression
            args += [exp.Literal.string(name), value]
        struct.replace(exp.Anonymous(this="JSONB_BUILD_OBJECT", expressions=args))
    return tree.sql(dialect="postgres")


def load(con_pg, workspace: Workspace, kinds: set[str], tmp: Path) -> float:
    """Copy the current data of ``kinds`` and the built-in tables into PostgreSQL."""
    started = time.perf_counter()
    duck = duckdb.connect()
    with con_pg.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
        tables = {k: DATASET_KINDS[k].stored_columns for k in kinds}
        tables.update(BUILTIN_TABLES)
        for name, columns in tables.items():
            body = ", ".join(f'"{c}" {pg_type(t)}' for c, t in columns)
            cur.execute(f"CREATE TABLE {SCHEMA}.{name} ({body})")
            if name == "calendar":
                duck.register("source", calendar_table())
            elif name == "coverage":
                duck.register("source", coverage_table(workspace))
            else:
                files = ", ".join(f"'{f}'" for f in workspace.dataset_files(name))
                if not files:
                    continue
                duck.execute(
                    f"CREATE OR REPLACE VIEW source AS SELECT * FROM read_parquet([{files}])"
                )
            select = ", ".join(
                f"'{{' || array_to_string(\"{c}\", ',') || '}}'" if t.endswith("[]") else f'"{c}"'
                for c, t in columns
            )
            path = tmp / f"{name}.csv"
            duck.execute(f"COPY (SELECT {select} FROM source) TO '{path}' (HEADER false)")
            if name in {"calendar", "coverage"}:
                duck.unregister("source")
            with cur.copy(f"COPY {SCHEMA}.{name} FROM STDIN (FORMAT csv)") as copy:
                with open(path, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            path.unlink()
        cur.execute("ANALYZE")
    con_pg.commit()
    return time.perf_counter() - started


def main() -> int:
    """Run the comparison; print one line per model and the totals."""
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://oversight:oversight@127.0.0.1:5432/oversight_h5"
        ),
    )
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per model on PostgreSQL")
    args = parser.parse_args()
    workspace = Workspace(args.workspace)
    models = list(load_library().values())
    kinds = {d for m in models for d in m.datasets if d in DATASET_KINDS}
    print(f"machine: {describe()}; load average {os.getloadavg()[0]:.1f}")
    rows = {k: sum(v.rows for s in workspace.sources() if s.kind == k for v in s.chain())
            for k in kinds}  # fmt: skip
    print(f"data: {sum(rows.values()):,} rows in {len(kinds)} datasets")

    con_pg = psycopg.connect(args.database_url, autocommit=False)
    server = con_pg.execute("SHOW server_version").fetchone()[0]
    work_mem = con_pg.execute("SHOW work_mem").fetchone()[0]
    seconds = load(con_pg, workspace, kinds, workspace.root / "tmp")
    print(f"loaded into PostgreSQL {server} (work_mem {work_mem}) in {seconds:.0f} s")
    con_pg.execute(f"SET search_path = {SCHEMA}")
    con_pg.execute(f"SET statement_timeout = '{args.timeout}s'")

    duck = duckdb.connect(config={"memory_limit": args.memory_limit, "threads": args.threads})
    for kind in kinds:
        files = ", ".join(f"'{f}'" for f in workspace.dataset_files(kind))
        duck.execute(f"CREATE VIEW {kind} AS SELECT * FROM read_parquet([{files}])")
    duck.register("c", calendar_table())
    duck.execute("CREATE TABLE calendar AS SELECT * FROM c")
    duck.register("v", coverage_table(workspace))
    duck.execute("CREATE TABLE coverage AS SELECT * FROM v")

    print(
        f"\n{'model':28} {'DuckDB s':>9} {'rows':>6} {'PostgreSQL s':>13} {'rows':>6} {'ratio':>7}"
    )
    total_duck = total_pg = 0.0
    ratios = []
    for model in models:
        sql = hit_query(model, as_of=AS_OF)
        began = time.perf_counter()
        duck_rows = len(duck.execute(sql).fetchall())
        duck_s = time.perf_counter() - began
        try:
            pg_sql = to_postgres(sql)
            began = time.perf_counter()
            pg_rows = len(con_pg.execute(pg_sql).fetchall())
            pg_s = time.perf_counter() - began
        except Exception as error:  # print what PostgreSQL refuses, go on
            con_pg.rollback()
            con_pg.execute(f"SET search_path = {SCHEMA}")
            con_pg.execute(f"SET statement_timeout = '{args.timeout}s'")
            message = str(error).splitlines()[0][:70]
            print(f"{model.id:28} {duck_s:9.2f} {duck_rows:6} {'—':>13} {'':>6} {'':>7}  {message}")
            continue
        total_duck += duck_s
        total_pg += pg_s
        ratios.append(pg_s / max(duck_s, 1e-3))
        same = "" if pg_rows == duck_rows else "  (rows differ)"
        print(
            f"{model.id:28} {duck_s:9.2f} {duck_rows:6} {pg_s:13.2f} {pg_rows:6}"
            f" {pg_s / max(duck_s, 1e-3):6.1f}×{same}"
        )
    if ratios:
        ratios.sort()
        print(
            f"\n{len(ratios)} models on both: DuckDB {total_duck:.1f} s, PostgreSQL {total_pg:.1f} s"
            f" ({total_pg / max(total_duck, 1e-3):.1f}× in total; median {ratios[len(ratios) // 2]:.1f}×)"
        )
    with con_pg.cursor() as cur:
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    con_pg.commit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
