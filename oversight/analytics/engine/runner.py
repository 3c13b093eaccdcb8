"""Running models on DuckDB: progress, cancellation, memory limit, timing and counts per model.

The runner opens one in-process DuckDB connection with the memory limit and thread count it was
given (spilling to the workspace's ``tmp/`` beyond the limit), exposes the current version of
every dataset as a view over its Parquet files, plus the ``calendar`` table, and runs each
model's SQL wrapped so that its columns come back in the standard types.

``cancel()`` may be called from any thread: it interrupts the running query, and the run stops
with the models done so far. ``test_model`` runs a model on a consistent sample (rows are kept
by a hash of the person's or company's ID, so the same people are kept in every dataset and
joins still find them) before an officer enables it.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import sqlglot

from .calendar import calendar_table
from .contracts import BUILTIN_TABLES, DATASET_KINDS, DatasetKind
from .hits import Hit, build_hit
from .models import HIT_COLUMNS, Model, validate_model
from .portable import normalise
from .workspace import Change

__all__ = [
    "ModelRun",
    "ModelTest",
    "Progress",
    "RunResult",
    "Runner",
    "hit_query",
    "sample_filter",
]


@dataclass(frozen=True)
class Progress:
    """A progress report: ``phase`` is start, running, done, skipped, failed or cancelled."""

    model_id: str
    index: int
    total: int
    phase: str
    fraction: float | None = None
    hits: int | None = None
    seconds: float | None = None
    message: str = ""


@dataclass
class ModelRun:
    """Timing and counts of one model in one run."""

    model_id: str
    status: str = "pending"
    seconds: float = 0.0
    rows: int = 0
    hits: int = 0
    new_hits: int = 0
    red: int = 0
    yellow: int = 0
    message: str = ""
    # What the model compared: "all" the data, only the subjects that new and "changed" rows
    # name (``affected`` of them), or nothing because none of its data "unchanged".
    scope: str = "all"
    affected: int = 0
    # A model reasoning from absence: rows it did not compare (no complete registry covers
    # their area and month), and the first of their areas.
    outside: int = 0
    outside_areas: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """All hits of a run and what each model did."""

    models: list[ModelRun] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0
    cancelled: bool = False
    as_of: datetime.date | None = None  # the run's "today"
    # Dataset → keys of the rows a change removed or replaced: a warning whose evidence names
    # one and that the run did not find again has lost its evidence.
    gone_keys: dict[str, set[str]] = field(default_factory=dict)

    @property
    def new_hits(self) -> list[Hit]:
        """Hits whose fingerprint was not known before the run."""
        return [h for h in self.hits if h.is_new]

    def by_model(self) -> dict[str, list[Hit]]:
        """Hits grouped by model id."""
        grouped: dict[str, list[Hit]] = {m.model_id: [] for m in self.models}
        for hit in self.hits:
            grouped.setdefault(hit.model_id, []).append(hit)
        return grouped


@dataclass
class ModelTest:
    """The outcome of trying a model on a sample before enabling it."""

    model_id: str
    problems: list[str]
    sample_fraction: float
    seconds: float = 0.0
    hit_count: int = 0
    hits: list[Hit] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the model is valid and ran."""
        return not self.problems


def hit_query(model: Model, *, as_of: datetime.date) -> str:
    """The model's SQL for the as-of date, normalised so that it means the same on every
    engine (``portable.py``), wrapped to return the standard columns in the standard types."""
    columns = [f"CAST({name} AS {type_}) AS {name}" for name, type_ in HIT_COLUMNS.items()]
    sql = f"SELECT {', '.join(columns)} FROM ({model.rendered_sql(as_of=as_of)}) AS model_hits"
    return normalise(sqlglot.parse_one(sql, read="duckdb")).sql(dialect="duckdb")


def sample_filter(column: str, fraction: float, *, dialect: str = "duckdb") -> str:
    """A sample condition that keeps the same rows on DuckDB and on Spark.

    Both engines hash with SHA-256 and compare the leading hex digits as text, so a person kept
    in one dataset is kept in all of them, on either engine.
    """
    bound = f"{min(int(fraction * 65536), 65535):04x}"
    digest = "sha256({})" if dialect == "duckdb" else "sha2({}, 256)"
    text = "VARCHAR" if dialect == "duckdb" else "STRING"
    return f"substr({digest.format(f'CAST({column} AS {text})')}, 1, 4) < '{bound}'"


def _sample_column(kind: DatasetKind) -> str:
    for column in kind.columns:
        if column.type in {"resident_id", "uscc"} and column.required:
            return column.name
    return kind.key[0]


class Runner:
    """Runs models over a workspace's current data on DuckDB."""

    def __init__(
        self,
        workspace,
        *,
        memory_limit: str = "4GB",
        threads: int | None = None,
        progress: Callable[[Progress], None] | None = None,
        poll_seconds: float = 0.5,
    ) -> None:
        self.workspace = workspace
        self.memory_limit = memory_limit
        self.threads = threads
        self.progress = progress or (lambda event: None)
        self.poll_seconds = poll_seconds
        self._con: duckdb.DuckDBPyConnection | None = None
        self._cancelled = threading.Event()
        self._lock = threading.Lock()

    # -- connection --------------------------------------------------------------------------

    def _connect(self, datasets: Iterable[str], sample: float | None = None):
        config = {
            "memory_limit": self.memory_limit,
            "temp_directory": str(self.workspace.root / "tmp"),
        }
        if self.threads:
            config["threads"] = self.threads
        con = duckdb.connect(config=config)
        con.execute("SET enable_progress_bar = false")
        missing = set()
        for name in sorted(set(datasets)):
            if name in BUILTIN_TABLES:
                continue
            kind = DATASET_KINDS[name]
            files = self.workspace.dataset_files(name)
            if files:
                paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                where = ""
                if sample is not None:
                    where = f" WHERE {sample_filter(_sample_column(kind), sample)}"
                con.execute(
                    f"CREATE VIEW __all_{name} AS SELECT * FROM read_parquet([{paths}], "
                    f"union_by_name = true){where}"
                )
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM __all_{name}")
            else:
                missing.add(name)
                body = ", ".join(f'"{c}" {t}' for c, t in kind.stored_columns)
                con.execute(f"CREATE TABLE {name} ({body})")
        con.register("calendar_arrow", calendar_table())
        con.execute("CREATE TABLE calendar AS SELECT * FROM calendar_arrow")
        con.unregister("calendar_arrow")
        con.register("coverage_arrow", coverage_table(self.workspace))
        con.execute("CREATE TABLE coverage AS SELECT * FROM coverage_arrow")
        con.unregister("coverage_arrow")
        return con, missing

    def cancel(self) -> None:
        """Stop the run from any thread: the running query is interrupted."""
        self._cancelled.set()
        with self._lock:
            if self._con is not None:
                self._con.interrupt()

    # -- running -----------------------------------------------------------------------------

    def run(
        self,
        models: Iterable[Model],
        *,
        as_of: datetime.date,
        known_fingerprints: Iterable[str] = (),
        sample: float | None = None,
        changes: Iterable[Change] | None = None,
    ) -> RunResult:
        """Run ``models`` in order; hits whose fingerprint is known are marked ``is_new=False``.

        With ``changes`` (what new versions changed, :meth:`Workspace.change`) only the models
        reading a changed dataset run, and a model declaring a ``partition`` over every changed
        dataset it reads compares only the subjects the new and changed (or removed) rows name,
        against all the other data: the hits about those subjects are exactly those of a full
        run. The other models run in full; those reading nothing changed are "unchanged".

        ``as_of`` is the run's "today" (``${as_of}`` in the SQL): the engine never reads the
        clock, so the same data and the same as-of date give the same hits on any day.
        Invalid models and models whose datasets have no data are skipped with the reason in
        their :class:`ModelRun`. ``sample`` (0–1) keeps that share of the subjects.
        """
        models = list(models)
        known = frozenset(known_fingerprints)
        result = RunResult(models=[ModelRun(m.id) for m in models], as_of=as_of)
        started = time.perf_counter()
        # A cancel that arrives before the run starts still counts; the flag is reset when the
        # run ends, so the runner can be used again.
        datasets = {d for m in models for d in m.datasets if d in DATASET_KINDS}
        con, missing = self._connect(datasets, sample)
        self._names = program_names(self.workspace)
        with self._lock:
            self._con = con
        try:
            changed = None
            if changes is not None:
                read = [c for c in changes if c.kind in datasets]
                changed = _prepare_changes(con, read, missing, result)
            for index, (model, stats) in enumerate(zip(models, result.models, strict=True)):
                if self._cancelled.is_set():
                    stats.status = "cancelled"
                    continue
                if changed is not None and not _scope(con, model, stats, changed, missing):
                    emit = self.progress
                    emit(Progress(model.id, index, len(models), "skipped", message="unchanged"))
                    continue
                try:
                    self._run_one(con, model, stats, index, len(models), missing, known, result)
                finally:
                    if stats.scope == "changed":
                        _unscope(con, model, missing)
        finally:
            with self._lock:
                self._con = None
            con.close()
        result.cancelled = self._cancelled.is_set()
        self._cancelled.clear()
        result.seconds = round(time.perf_counter() - started, 3)
        return result

    def _run_one(self, con, model, stats, index, total, missing, known, result) -> None:
        emit = self.progress
        problems = validate_model(model)
        if problems:
            stats.status, stats.message = "invalid", "; ".join(problems)
            emit(Progress(model.id, index, total, "skipped", message=stats.message))
            return
        lacking = sorted(set(model.datasets) & missing)
        if lacking:
            stats.status, stats.message = "skipped", "no data for " + ", ".join(lacking)
            emit(Progress(model.id, index, total, "skipped", message=stats.message))
            return
        uncovered = uncovered_absence(model, self.workspace)
        if uncovered:
            stats.status = "uncovered"
            stats.message = "no complete coverage declared for " + ", ".join(uncovered)
            emit(Progress(model.id, index, total, "skipped", message=stats.message))
            return
        emit(Progress(model.id, index, total, "start"))
        began = time.perf_counter()
        poller = _ProgressPoller(con, model.id, index, total, emit, self.poll_seconds)
        poller.start()
        try:
            cursor = con.execute(hit_query(model, as_of=result.as_of))
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
        except duckdb.InterruptException:
            stats.status = "cancelled"
            emit(Progress(model.id, index, total, "cancelled"))
            return
        except duckdb.Error as error:
            stats.status, stats.message = "failed", str(error).splitlines()[0]
            stats.seconds = round(time.perf_counter() - began, 3)
            emit(Progress(model.id, index, total, "failed", message=stats.message))
            return
        finally:
            poller.stop()
        hits = _collect(model, rows, known, self._names)
        if model.absence_scope is not None:
            stats.outside, stats.outside_areas = _outside(con, model)
        stats.status = "ok"
        stats.seconds = round(time.perf_counter() - began, 3)
        stats.rows = len(rows)
        stats.hits = len(hits)
        stats.new_hits = sum(h.is_new for h in hits)
        stats.red = sum(h.severity == "red" for h in hits)
        stats.yellow = sum(h.severity == "yellow" for h in hits)
        result.hits.extend(hits)
        emit(Progress(model.id, index, total, "done", 1.0, len(hits), stats.seconds))

    def test_model(
        self, model: Model, *, as_of: datetime.date, sample: float = 0.1, limit: int = 50
    ) -> ModelTest:
        """Validate ``model`` and run it on a sample of the data, before it is enabled."""
        test = ModelTest(model.id, validate_model(model), sample)
        if test.problems:
            return test
        result = self.run([model], as_of=as_of, sample=sample)
        stats = result.models[0]
        if stats.status != "ok":
            test.problems.append(stats.message or stats.status)
        test.seconds = stats.seconds
        test.hit_count = stats.hits
        test.hits = result.hits[:limit]
        return test


def _prepare_changes(con, changes: list[Change], missing: set[str], result: RunResult) -> set[str]:
    """Tables ``__delta_<kind>``: the new, changed and removed rows of each changed dataset
    (contract columns only: the file's row numbers differ between versions); and the keys of
    the removed or replaced rows in ``result.gone_keys``. Returns the changed datasets."""
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, []).append(change)
    for kind_name, group in by_kind.items():
        kind = DATASET_KINDS[kind_name]
        parts, gone = [], []
        for change in group:
            if change.only_adds:
                parts.append(_read_rows(kind, change.added))
            else:
                before, after = _read_rows(kind, change.before), _read_rows(kind, change.after)
                parts.append(f"({after} EXCEPT ALL {before})")
                gone.append(f"({before} EXCEPT ALL {after})")
        if kind_name in missing:
            continue  # no data left at all: the models reading it are skipped anyway
        con.execute(f"CREATE TEMP TABLE __delta_{kind_name} AS {' UNION ALL '.join(parts + gone)}")
        if gone:
            keys = con.execute(
                f"SELECT DISTINCT {kind.key_sql()} FROM ({' UNION ALL '.join(gone)})"
            ).fetchall()
            result.gone_keys[kind_name] = {k for (k,) in keys}
    return set(by_kind) - missing


def _read_rows(kind: DatasetKind, files) -> str:
    """The contract's columns of the rows of ``files`` (none: an empty set of them)."""
    columns = ", ".join(f'"{c}"' for c in kind.column_names)
    if not files:
        return f"SELECT {columns} FROM __all_{kind.code} WHERE false"
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"SELECT {columns} FROM read_parquet([{paths}], union_by_name = true)"


def _scope(con, model: Model, stats: ModelRun, changed: set[str], missing: set[str]) -> bool:
    """Set what ``model`` compares in a run of changes; False when nothing it reads changed.
    Declared partitions restrict the model's datasets to the subjects the changes name."""
    read = set(model.datasets) & changed
    if not read:
        stats.status, stats.scope = "unchanged", "unchanged"
        return False
    if not model.partition or not read <= set(model.partition):
        stats.scope = "all"
        return True
    width = len(next(iter(model.partition.values())))
    keys = ", ".join(f"k{i}" for i in range(width))
    parts = [
        f"SELECT {', '.join(f'{c} AS k{i}' for i, c in enumerate(model.partition[kind]))} "
        f"FROM __delta_{kind}"
        for kind in sorted(read)
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __affected AS SELECT DISTINCT {keys} "
        f"FROM ({' UNION ALL '.join(parts)})"
    )
    stats.affected = con.execute("SELECT count(*) FROM __affected").fetchone()[0]
    for kind, columns in model.partition.items():
        if kind in missing:
            continue
        on = " AND ".join(f"t.{c} = a.k{i}" for i, c in enumerate(columns))
        con.execute(
            f"CREATE OR REPLACE VIEW {kind} AS SELECT t.* FROM __all_{kind} t "
            f"SEMI JOIN __affected a ON {on}"
        )
    stats.scope = "changed"
    return True


def _unscope(con, model: Model, missing: set[str]) -> None:
    for kind in model.partition:
        if kind not in missing:
            con.execute(f"CREATE OR REPLACE VIEW {kind} AS SELECT * FROM __all_{kind}")


def _outside(con, model: Model) -> tuple[int, list[str]]:
    """How many rows of a model's compared dataset no complete registry of its absence
    datasets covers (by area and month), and the first ten of their areas."""
    dataset, area, period = model.absence_scope
    absent = ", ".join("'" + a.replace("'", "''") + "'" for a in model.absence)
    rows = con.execute(
        f"SELECT {area} FROM {dataset} t WHERE NOT EXISTS (SELECT 1 FROM coverage c "
        f"WHERE c.dataset IN ({absent}) AND c.complete AND c.area = t.{area} "
        f"AND t.{period} BETWEEN c.period_from AND c.period_to)"
    ).fetchall()
    areas = sorted({r[0] for r in rows if r[0]})
    return len(rows), areas[:10]


def coverage_table(workspace) -> pa.Table:
    """The built-in ``coverage`` table of a workspace's current data, as an Arrow table."""
    rows = workspace.coverage_rows()
    types = {"VARCHAR": pa.string(), "BOOLEAN": pa.bool_()}
    return pa.table({
        name: pa.array([r[i] for r in rows], types[kind])
        for i, (name, kind) in enumerate(BUILTIN_TABLES["coverage"])
    })  # fmt: skip


def uncovered_absence(model: Model, workspace) -> list[str]:
    """The datasets a model reasons from the absence in with no complete coverage declared:
    such a model does not run (it would call everyone outside the data absent)."""
    complete = {row[0] for row in workspace.coverage_rows() if row[5]}
    return sorted(set(model.absence) - complete)


def program_names(workspace) -> dict[str, str]:
    """Program code → name, from the current benefit programs (empty when there are none)."""
    files = workspace.dataset_files("benefit_programs")
    if not files:
        return {}
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT program_code, min(name) FROM read_parquet([{paths}]) GROUP BY 1"
        ).fetchall()
    return {code: name for code, name in rows if name}


def _collect(
    model: Model, rows: list[dict], known: frozenset[str], names: dict[str, str] | None = None
) -> list[Hit]:
    """Build hits, one per fingerprint (a model returning a key twice yields one hit)."""
    hits: dict[str, Hit] = {}
    for row in rows:
        hit = build_hit(model, row, known, names)
        if hit is not None and hit.fingerprint not in hits:
            hits[hit.fingerprint] = hit
    return sorted(hits.values(), key=lambda h: h.fingerprint_key)


class _ProgressPoller:
    """Reports DuckDB's own estimate of the running query's progress, from a side thread."""

    def __init__(self, con, model_id, index, total, emit, seconds) -> None:
        self._con, self._emit, self._seconds = con, emit, seconds
        self._args = (model_id, index, total)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        """Begin polling."""
        if self._seconds > 0:
            self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self._seconds):
            try:
                value = self._con.query_progress()
            except (duckdb.Error, RuntimeError):
                return
            if value is not None and value >= 0:
                self._emit(Progress(*self._args, "running", fraction=min(value / 100, 1.0)))
