"""Running the same models on Spark, for data beyond one machine.

The model SQL (DuckDB dialect) is transpiled by SQLGlot to Spark SQL; a few constructs SQLGlot
renders in a form Spark 3.5 does not accept are rewritten on the syntax tree first (array overlap
becomes ``arrays_overlap``). Datasets are the same Parquet files of the workspace, read as temp
views; the calendar is the same table. Hits are built by the same :func:`hits.build_hit`, so
DuckDB and Spark hits compare equal field by field.

PySpark is a test and deployment dependency, imported only here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import sqlglot
from sqlglot import exp

from .calendar import write_calendar
from .contracts import BUILTIN_TABLES, DATASET_KINDS
from .hits import Hit
from .models import Model, validate_model
from .runner import ModelRun, RunResult, _collect, _sample_column, hit_query, sample_filter

__all__ = ["SparkRunner", "local_session", "to_spark_sql"]


def local_session(app_name: str = "oversight-analytics", *, cores: int = 2):
    """A small local-mode session: ``local[cores]``, few shuffle partitions, no UI."""
    from pyspark.sql import SparkSession

    # py4j logs at INFO while closing at interpreter exit, after pytest closed its streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores * 2))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
        .config("spark.sql.adaptive.enabled", "true")
        .config("spark.log.level", "ERROR")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _ddl(columns: Iterable[tuple[str, str]]) -> str:
    """A Spark DDL schema string from (name, DuckDB type) pairs."""
    return ", ".join(
        f"`{name}` {sqlglot.exp.DataType.build(type_, dialect='duckdb').sql(dialect='spark')}"
        for name, type_ in columns
    )


def _spark_compatible(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="ARRAYS_OVERLAP", expressions=[node.this, node.expression])
    return node


def to_spark_sql(duckdb_sql: str) -> str:
    """Transpile one DuckDB query to Spark SQL."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    return tree.transform(_spark_compatible).sql(dialect="spark")


class SparkRunner:
    """Runs models on a Spark session over a workspace's current data."""

    def __init__(self, spark, workspace) -> None:
        self.spark = spark
        self.workspace = workspace

    def _register(self, datasets: Iterable[str], sample: float | None) -> set[str]:
        # Schemas come from the contracts, so Spark does not start a job to read Parquet footers.
        missing = set()
        for name in sorted(set(datasets)):
            if name in BUILTIN_TABLES:
                continue
            files = [str(f) for f in self.workspace.dataset_files(name)]
            if not files:
                missing.add(name)
                continue
            schema = _ddl(DATASET_KINDS[name].stored_columns)
            frame = self.spark.read.schema(schema).parquet(*files)
            if sample is not None:
                frame = frame.where(
                    sample_filter(_sample_column(DATASET_KINDS[name]), sample, dialect="spark")
                )
            frame.createOrReplaceTempView(name)
        calendar = self.workspace.root / "builtin" / "calendar.parquet"
        if not calendar.exists():
            write_calendar(calendar)
        self.spark.read.schema(_ddl(BUILTIN_TABLES["calendar"])).parquet(
            str(calendar)
        ).createOrReplaceTempView("calendar")
        return missing

    def run(
        self,
        models: Iterable[Model],
        *,
        known_fingerprints: Iterable[str] = (),
        sample: float | None = None,
        workers: int = 2,
    ) -> RunResult:
        """Run ``models`` on Spark; the result has the same shape as :meth:`Runner.run`.

        ``workers`` queries are submitted at once: on small data Spark spends most of a query
        planning and compiling on the driver, which overlaps well with another query's tasks.
        """
        models = list(models)
        known = frozenset(known_fingerprints)
        result = RunResult(models=[ModelRun(m.id) for m in models])
        started = time.perf_counter()
        missing = self._register({d for m in models for d in m.datasets}, sample)
        runnable = []
        for model, stats in zip(models, result.models, strict=True):
            problems = validate_model(model)
            lacking = sorted(set(model.datasets) & missing)
            if problems or lacking:
                stats.status = "invalid" if problems else "skipped"
                stats.message = "; ".join(problems) or "no data for " + ", ".join(lacking)
            else:
                runnable.append((model, stats))
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            outcomes = list(pool.map(lambda pair: self._query(pair[0]), runnable))
        for (model, stats), (rows, seconds, error) in zip(runnable, outcomes, strict=True):
            stats.seconds = seconds
            if error is not None:
                stats.status, stats.message = "failed", error
                continue
            hits: list[Hit] = _collect(model, rows, known)
            stats.status = "ok"
            stats.rows = len(rows)
            stats.hits = len(hits)
            stats.new_hits = sum(h.is_new for h in hits)
            stats.red = sum(h.severity == "red" for h in hits)
            stats.yellow = sum(h.severity == "yellow" for h in hits)
            result.hits.extend(hits)
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _query(self, model: Model) -> tuple[list[dict], float, str | None]:
        began = time.perf_counter()
        try:
            rows = self.spark.sql(to_spark_sql(hit_query(model))).collect()
        except Exception as error:  # py4j and analysis errors share no base class
            return [], round(time.perf_counter() - began, 3), str(error).splitlines()[0]
        return [r.asDict(recursive=True) for r in rows], round(time.perf_counter() - began, 3), None
