"""Running the same models on Spark, for data beyond one machine.

The model SQL (DuckDB dialect) is transpiled by SQLGlot to Spark SQL; a few constructs SQLGlot
renders in a form Spark 3.5 does not accept are rewritten on the syntax tree first (array overlap
becomes ``arrays_overlap``). Datasets are the same Parquet files of the workspace, read as temp
views; the calendar is the same table. Hits are built by the same :func:`hits.build_hit`, so
DuckDB and Spark hits compare equal field by field.

PySpark is a test and deployment dependency, imported only here.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from .calendar import write_calendar
from .contracts import BUILTIN_TABLES, DATASET_KINDS
from .hits import Hit
from .models import Model, validate_model
from .portable import strftime_to_spark
from .runner import ModelRun, RunResult, _collect, _sample_column, hit_query, sample_filter

__all__ = ["SparkRunner", "local_session", "to_spark_sql"]

log = logging.getLogger(__name__)


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
        .config("spark.sql.ansi.enabled", "true")
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


def _fn(name: str, *args: exp.Expression) -> exp.Anonymous:
    """A Spark function call rendered as written (SQLGlot does not translate it again)."""
    return exp.Anonymous(this=name, expressions=list(args))


def _num(value: int | str) -> exp.Literal:
    return exp.Literal.number(value)


def _paren(node: exp.Expression) -> exp.Paren:
    return exp.Paren(this=node)


def _sub(a: exp.Expression, b: exp.Expression) -> exp.Sub:
    return exp.Sub(this=a, expression=b)


def _calendar_difference(unit: str, start: exp.Expression, end: exp.Expression):
    """DuckDB's ``date_diff``: the number of ``unit`` boundaries crossed from start to end."""

    def part(name: str) -> exp.Expression:
        return _paren(_sub(_fn(name, end.copy()), _fn(name, start.copy())))

    days = _fn("DATEDIFF", _fn("TO_DATE", end.copy()), _fn("TO_DATE", start.copy()))
    if unit == "YEAR":
        return part("YEAR")
    if unit == "QUARTER":
        return _paren(
            exp.Add(this=exp.Mul(this=part("YEAR"), expression=_num(4)), expression=part("QUARTER"))
        )
    if unit == "MONTH":
        return _paren(
            exp.Add(this=exp.Mul(this=part("YEAR"), expression=_num(12)), expression=part("MONTH"))
        )
    if unit == "DAY":
        return days
    if unit in {"HOUR", "MINUTE", "SECOND"}:
        total = _paren(
            exp.Add(this=exp.Mul(this=days, expression=_num(24)), expression=part("HOUR"))
        )
        if unit in {"MINUTE", "SECOND"}:
            total = _paren(
                exp.Add(this=exp.Mul(this=total, expression=_num(60)), expression=part("MINUTE"))
            )
        if unit == "SECOND":
            total = _paren(
                exp.Add(this=exp.Mul(this=total, expression=_num(60)), expression=part("SECOND"))
            )
        return total
    return None  # WEEK: both engines count whole weeks of days (tested at the edges)


def _day_of_week(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``dayofweek``: Sunday = 0 … Saturday = 6 (Spark's starts at Sunday = 1)."""
    return _paren(_sub(_fn("DAYOFWEEK", node), _num(1)))


def _iso_day_of_week(node: exp.Expression) -> exp.Expression:
    """DuckDB's ``isodow``: Monday = 1 … Sunday = 7."""
    shifted = exp.Mod(
        this=_paren(exp.Add(this=_fn("DAYOFWEEK", node), expression=_num(5))), expression=_num(7)
    )
    return _paren(exp.Add(this=_paren(shifted), expression=_num(1)))


def _iso_year(node: exp.Expression) -> exp.Expression:
    return exp.Extract(this=exp.var("YEAROFWEEK"), expression=node)


_EXTRACTS = {
    "DOW": _day_of_week,
    "DAYOFWEEK": _day_of_week,
    "WEEKDAY": _day_of_week,
    "ISODOW": _iso_day_of_week,
    "WEEK": lambda node: _fn("WEEKOFYEAR", node),
    "WEEKOFYEAR": lambda node: _fn("WEEKOFYEAR", node),
    "ISOYEAR": _iso_year,
    "DOY": lambda node: _fn("DAYOFYEAR", node),
    "DAYOFYEAR": lambda node: _fn("DAYOFYEAR", node),
}

_INTEGERS = {
    exp.DataType.Type.TINYINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
    exp.DataType.Type.INT128,
}
_FLOATS = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}


def _type_of(node: exp.Expression) -> exp.DataType.Type | None:
    kind = node.type
    return None if kind is None else kind.this


def _cast_with_duckdb_rounding(node: exp.Cast) -> exp.Expression:
    """DuckDB rounds when it casts a number to fewer decimals; Spark truncates (or rounds the
    double's shortest text). Round explicitly, as DuckDB does: DOUBLE to an integer half to
    even, DECIMAL to an integer half away from zero, DOUBLE to DECIMAL(p, s) as
    ``round(x × 10^s)``."""
    target, source = node.to.this, _type_of(node.this)
    if target in _INTEGERS and source in _FLOATS:
        return exp.Cast(this=_fn("BROUND", node.this), to=node.to)
    if target in _INTEGERS and source == exp.DataType.Type.DECIMAL:
        return exp.Cast(this=_fn("ROUND", node.this), to=node.to)
    if target == exp.DataType.Type.DECIMAL and source in _FLOATS:
        params = node.to.expressions
        scale = int(params[1].this.this) if len(params) > 1 else 0
        scaled = exp.Mul(this=_paren(node.this), expression=_num(f"1E{scale}"))
        whole = exp.Cast(this=_fn("ROUND", scaled), to=exp.DataType.build("DECIMAL(38, 0)"))
        unit = exp.Cast(
            this=_num(f"1E-{scale}"), to=exp.DataType.build(f"DECIMAL({scale + 1}, {scale})")
        )
        return exp.Cast(this=_paren(exp.Mul(this=whole, expression=unit)), to=node.to)
    return node


def _round_double(node: exp.Round) -> exp.Expression:
    """DuckDB rounds a DOUBLE to s decimals as ``round(x × 10^s) / 10^s`` in double arithmetic
    (1.005 gives 1.0); Spark rounds the double's shortest text (1.005 gives 1.01)."""
    decimals = node.args.get("decimals")
    if decimals is None:
        return node
    if not isinstance(decimals, exp.Literal) or decimals.is_string:
        return node  # a computed number of decimals: rare; left as Spark rounds it
    power = _num(f"1E{int(decimals.this)}")
    scaled = exp.Mul(this=_paren(node.this), expression=power)
    return _paren(exp.Div(this=_fn("ROUND", scaled), expression=power.copy()))


def _spark_compatible(node: exp.Expression) -> exp.Expression:
    """One construct in Spark's form with DuckDB's meaning (see ``portable.py``)."""
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="ARRAYS_OVERLAP", expressions=[node.this, node.expression])
    if isinstance(node, exp.DateDiff):
        unit = (node.unit.name if node.unit is not None else "DAY").upper()
        rewritten = _calendar_difference(unit, node.expression, node.this)
        return rewritten if rewritten is not None else node
    if isinstance(node, exp.DayOfWeek):
        return _day_of_week(node.this)
    if isinstance(node, exp.DayOfWeekIso):
        return _iso_day_of_week(node.this)
    if isinstance(node, exp.Week | exp.WeekOfYear):
        return _fn("WEEKOFYEAR", node.this)
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in {"weekday", "yearweek"}:
        (arg,) = node.expressions
        if str(node.this).lower() == "weekday":
            return _day_of_week(arg)
        year = exp.Mul(this=_iso_year(arg.copy()), expression=_num(100))
        return _paren(exp.Add(this=year, expression=_fn("WEEKOFYEAR", arg)))
    if isinstance(node, exp.Anonymous) and str(node.this).lower() in {"date_part", "datepart"}:
        part, arg = node.expressions
        node = exp.Extract(this=exp.var(part.name.upper()), expression=arg)
    if isinstance(node, exp.Extract) and node.this.name.upper() in _EXTRACTS:
        return _EXTRACTS[node.this.name.upper()](node.expression)
    if isinstance(node, exp.TimeToStr):
        fmt = node.args["format"]
        return _fn("DATE_FORMAT", node.this, exp.Literal.string(strftime_to_spark(fmt.this)))
    if isinstance(node, exp.TimestampTrunc):
        return _fn("DATE_TRUNC", exp.Literal.string(node.unit.name.upper()), node.this)
    if isinstance(node, exp.PercentileCont):
        return _fn("PERCENTILE", node.this, node.expression)
    if isinstance(node, exp.Cast) and node.to is not None:
        return _cast_with_duckdb_rounding(node)
    if isinstance(node, exp.Round) and _type_of(node.this) in _FLOATS:
        return _round_double(node)
    return node


def _typed(tree: exp.Expression, tables: dict[str, dict[str, str]]) -> exp.Expression:
    """The query with its columns qualified and every expression's type annotated from the
    dataset contracts (the casts need to know what they cast); as it was when that fails."""
    schema = MappingSchema(
        {name: dict(kind.stored_columns) for name, kind in DATASET_KINDS.items()}
        | {name: dict(columns) for name, columns in BUILTIN_TABLES.items()}
        | tables,
        dialect="duckdb",
    )
    try:
        qualified = qualify(
            tree.copy(),
            schema=schema,
            dialect="duckdb",
            validate_qualify_columns=False,
            quote_identifiers=False,
        )
        return annotate_types(qualified, schema=schema, dialect="duckdb")
    except sqlglot.errors.SqlglotError:
        log.warning("types of a model query could not be inferred; casts are left as written")
        return tree


def to_spark_sql(duckdb_sql: str, *, tables: dict[str, dict[str, str]] | None = None) -> str:
    """Transpile one DuckDB query to Spark SQL with DuckDB's meaning (see ``portable.py``).

    Column types come from the dataset contracts, and from ``tables`` (name → column → DuckDB
    type) for other tables a query reads."""
    tree = _typed(sqlglot.parse_one(duckdb_sql, read="duckdb"), tables or {})
    # Children before parents: a rewritten node is built from already rewritten children.
    for node in reversed(list(tree.walk())):
        replacement = _spark_compatible(node)
        if replacement is not node:
            node.replace(replacement)
    return tree.sql(dialect="spark")


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
        as_of: datetime.date,
        known_fingerprints: Iterable[str] = (),
        sample: float | None = None,
        workers: int = 2,
    ) -> RunResult:
        """Run ``models`` on Spark; the result has the same shape as :meth:`Runner.run`.

        The session runs in ANSI mode, so a bad cast or an overflow fails the model as it
        does on DuckDB instead of giving ``NULL``.

        ``workers`` queries are submitted at once: on small data Spark spends most of a query
        planning and compiling on the driver, which overlaps well with another query's tasks.
        """
        models = list(models)
        known = frozenset(known_fingerprints)
        result = RunResult(models=[ModelRun(m.id) for m in models], as_of=as_of)
        started = time.perf_counter()
        self.spark.conf.set("spark.sql.ansi.enabled", "true")
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
            outcomes = list(pool.map(lambda pair: self._query(pair[0], as_of), runnable))
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

    def _query(self, model: Model, as_of: datetime.date) -> tuple[list[dict], float, str | None]:
        began = time.perf_counter()
        try:
            rows = self.spark.sql(to_spark_sql(hit_query(model, as_of=as_of))).collect()
        except Exception as error:  # py4j and analysis errors share no base class
            return [], round(time.perf_counter() - began, 3), str(error).splitlines()[0]
        return [r.asDict(recursive=True) for r in rows], round(time.perf_counter() - began, 3), None
