"""Comparison models: a TOML file of metadata beside a SQL file, and their validation.

A model ``deceased_paid`` is the pair ``deceased_paid.toml`` + ``deceased_paid.sql``::

    id = "deceased_paid"
    name_zh = "死亡人员仍领取补贴"
    name_en = "Benefits paid after death"
    domain = "benefits"
    datasets = ["deaths", "benefit_payments", "benefit_programs"]
    exact_key = true            # matches on exact keys only (IDs, codes)
    absence = ["residents"]     # datasets it reasons from the absence in ("not in the
                                # register"): it runs only where their complete coverage is
                                # declared, and must read ``coverage`` to keep to it

    [severity]                  # red at or above ``red``, yellow at or above ``yellow``
    measure = "amount"          # or "count": the number of evidence rows
    yellow = 0
    red = 3000

    [reason]                    # placeholders: see HIT_PLACEHOLDERS
    zh = "{subject_name}于{detail}死亡后仍领取补贴{amount}元"
    en = "{subject_name} was paid {amount} yuan after dying on {detail}"

    [params]                    # ${name} in the SQL; an administrator may change the values
    grace_months = 0

    [partition]                 # optional: a hit about resident X reads only rows whose
    deaths = ["resident_id"]    # columns hold X, in each dataset named here; then a new
    benefit_payments = ["resident_id"]  # version is compared for the X its new and changed
                                # rows name, against everything else (not the whole history)

The SQL is one DuckDB query over the declared datasets returning the standard hit columns
(:data:`HIT_COLUMNS`; ``detail`` is free text for the reason sentence). ``fingerprint_key`` names what makes the hit
the same hit on the next run (the person and the program, say, not the amount that grows); the
engine hashes it with the model id into the fingerprint, the same way on DuckDB and on Spark.

Validation parses the SQL with SQLGlot — one read-only query, reading only declared datasets and
no files — and binds it in DuckDB against empty tables of the contracts, which checks every
column reference and the output columns and types without touching data.
"""

from __future__ import annotations

import datetime
import re
import string
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp

from .contracts import BUILTIN_TABLES, DATASET_KINDS
from .portable import AS_OF, as_of_literal, portability_problems

__all__ = [
    "HIT_COLUMNS",
    "HIT_PLACEHOLDERS",
    "LIBRARY_DIR",
    "Model",
    "ModelInvalid",
    "Severity",
    "load_library",
    "load_models",
    "validate_model",
]

LIBRARY_DIR = Path(__file__).with_name("library")

# The columns every model returns, with the DuckDB types they are cast to.
HIT_COLUMNS: dict[str, str] = {
    "subject_id": "VARCHAR",
    "subject_name": "VARCHAR",
    "unit": "VARCHAR",
    "amount": "DECIMAL(18,2)",
    "period": "VARCHAR",
    "evidence": 'STRUCT("dataset" VARCHAR, "key" VARCHAR)[]',
    "match_method": "VARCHAR",
    "fingerprint_key": "VARCHAR",
    "detail": "VARCHAR",
}

HIT_PLACEHOLDERS = frozenset(
    {"subject_name", "subject_id", "unit", "amount", "period", "count", "match_method", "detail"}
)

# What ``${as_of}`` stands for while a model is validated (any date binds the same way).
VALIDATION_AS_OF = datetime.date(2000, 1, 1)

_MODEL_ID = re.compile(r"[a-z][a-z0-9_]{2,63}")
_PARAM = re.compile(r"\$\{([a-z_][a-z0-9_]*)\}")

# Functions that reach outside the declared datasets (files, the environment, extensions).
_FORBIDDEN_FUNCTIONS = re.compile(
    r"^(read_\w+|\w+_scan|glob|getenv|sniff_csv|parquet_\w+|query|query_table|"
    r"load|install|pragma_\w+|duckdb_\w+|current_setting|set_variable|getvariable)$",
    re.IGNORECASE,
)
_WRITE_NODES = tuple(
    getattr(exp, name)
    for name in (
        "Insert",
        "Update",
        "Delete",
        "Create",
        "Drop",
        "Alter",
        "Copy",
        "Command",
        "Pragma",
        "Set",
        "Use",
        "Merge",
        "Attach",
        "Detach",
        "Install",
        "Export",
        "LoadData",
        "TruncateTable",
    )
    if hasattr(exp, name)
)


class ModelInvalid(ValueError):
    """A model that cannot be enabled; ``problems`` lists every reason."""

    def __init__(self, model_id: str, problems: list[str]) -> None:
        super().__init__(f"model {model_id}: " + "; ".join(problems))
        self.model_id = model_id
        self.problems = problems


@dataclass(frozen=True)
class Severity:
    """How a hit is graded: by its amount or by its number of evidence rows."""

    measure: str = "amount"
    yellow: Decimal = Decimal(0)
    red: Decimal = Decimal("Infinity")

    def grade(self, amount: Decimal | None, count: int) -> str | None:
        """'red', 'yellow', or None when the hit is below the yellow threshold."""
        value = Decimal(count) if self.measure == "count" else (amount or Decimal(0))
        if value >= self.red:
            return "red"
        if value >= self.yellow:
            return "yellow"
        return None


@dataclass(frozen=True)
class Model:
    """A comparison model: metadata and DuckDB SQL."""

    id: str
    name_zh: str
    name_en: str
    domain: str
    datasets: tuple[str, ...]
    sql: str
    severity: Severity = field(default_factory=Severity)
    reason_zh: str = ""
    reason_en: str = ""
    params: dict[str, object] = field(default_factory=dict)
    exact_key: bool = False
    absence: tuple[str, ...] = ()
    # Names of the parts of ``detail`` (joined with ``|`` by the SQL), each a placeholder of the
    # reason sentences; a part named ``program`` is shown by the program's name, not its code.
    detail_parts: tuple[str, ...] = ()
    # Dataset → columns: the model's hits about one value of these columns read only the rows
    # holding that value in each dataset named (a property test holds every model to it), so
    # new rows are compared for the values they name only (``Runner.run(changes=…)``).
    partition: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # For a model reasoning from absence: the dataset whose rows it compares and their area and
    # month columns, (dataset, area, period); the run counts the rows left uncompared because
    # no complete registry covers their area and month, and the run page says so.
    absence_scope: tuple[str, str, str] | None = None
    description_zh: str = ""
    description_en: str = ""
    builtin: bool = False

    @classmethod
    def from_text(cls, metadata: str, sql: str, *, builtin: bool = False) -> Model:
        """Build a model from the TOML metadata text and the SQL text."""
        try:
            meta = tomllib.loads(metadata)
        except tomllib.TOMLDecodeError as error:
            raise ModelInvalid("?", [f"metadata is not valid TOML: {error}"]) from None
        model_id = str(meta.get("id", "?"))
        problems = []
        for key in ("id", "name_zh", "name_en", "domain", "datasets"):
            if key not in meta:
                problems.append(f"metadata lacks {key!r}")
        severity = meta.get("severity", {})
        measure = severity.get("measure", "amount")
        if measure not in {"amount", "count"}:
            problems.append("severity.measure must be 'amount' or 'count'")
        try:
            yellow = Decimal(str(severity.get("yellow", 0)))
            red = Decimal(str(severity.get("red", "Infinity")))
        except ArithmeticError:
            problems.append("severity thresholds must be numbers")
            yellow, red = Decimal(0), Decimal("Infinity")
        if red < yellow:
            problems.append("severity.red must not be below severity.yellow")
        parts = tuple(meta.get("reason", {}).get("parts", ()))
        if any(not str(p).isidentifier() or p in HIT_PLACEHOLDERS for p in parts):
            problems.append("reason.parts must be new placeholder names such as program")
        absence = tuple(meta.get("absence", ()))
        if absence and not (
            set(absence) <= set(meta.get("datasets", ())) and "coverage" in meta.get("datasets", ())
        ):
            problems.append("absence names datasets the model declares, and coverage is declared")
        partition = {
            str(name): tuple(str(c) for c in ([cols] if isinstance(cols, str) else cols))
            for name, cols in dict(meta.get("partition", {})).items()
        }
        problems += _partition_problems(partition, meta.get("datasets", ()))
        scope = meta.get("absence_scope")
        if scope is not None:
            scope = (str(scope.get("dataset", "")), str(scope.get("area", "")),
                     str(scope.get("period", "")))  # fmt: skip
            kind = DATASET_KINDS.get(scope[0])
            if (
                not absence or scope[0] not in meta.get("datasets", ()) or kind is None
                or not {scope[1], scope[2]} <= set(kind.column_names)
            ):  # fmt: skip
                problems.append(
                    "absence_scope names a declared dataset and its area and period columns, "
                    "for a model with absence"
                )
        if problems:
            raise ModelInvalid(model_id, problems)
        reason = meta.get("reason", {})
        return cls(
            id=model_id,
            name_zh=meta["name_zh"],
            name_en=meta["name_en"],
            domain=meta["domain"],
            datasets=tuple(meta["datasets"]),
            sql=sql,
            severity=Severity(measure=measure, yellow=yellow, red=red),
            reason_zh=reason.get("zh", ""),
            reason_en=reason.get("en", ""),
            params=dict(meta.get("params", {})),
            exact_key=bool(meta.get("exact_key", False)),
            absence=absence,
            detail_parts=parts,
            partition=partition,
            absence_scope=scope,
            description_zh=meta.get("description_zh", ""),
            description_en=meta.get("description_en", ""),
            builtin=builtin,
        )

    @classmethod
    def from_files(cls, metadata_path: str | Path, *, builtin: bool = False) -> Model:
        """Load ``<id>.toml`` and the ``<id>.sql`` beside it."""
        metadata_path = Path(metadata_path)
        sql_path = metadata_path.with_suffix(".sql")
        return cls.from_text(
            metadata_path.read_text(encoding="utf-8"),
            sql_path.read_text(encoding="utf-8"),
            builtin=builtin,
        )

    def with_params(self, **params: object) -> Model:
        """A copy with some parameters changed (an administrator's local figures)."""
        unknown = set(params) - set(self.params)
        if unknown:
            raise ModelInvalid(self.id, [f"unknown parameters: {', '.join(sorted(unknown))}"])
        return replace(self, params={**self.params, **params})

    def rendered_sql(self, *, as_of: datetime.date | None = VALIDATION_AS_OF) -> str:
        """The SQL with every ``${param}`` replaced by its value as a SQL literal, and the
        reserved ``${as_of}`` by the run's as-of date (a fixed date when only validating; left
        as written with ``as_of=None``, to show the SQL to a reader)."""

        def literal(match: re.Match) -> str:
            name = match.group(1)
            if name == AS_OF:
                return match.group(0) if as_of is None else as_of_literal(as_of)
            if name not in self.params:
                raise ModelInvalid(self.id, [f"the SQL uses ${{{name}}}, not in [params]"])
            return _sql_literal(self.params[name])

        return _PARAM.sub(literal, self.sql).strip().rstrip(";")

    @property
    def has_candidates(self) -> bool:
        """Whether the model may propose hits by name (never decided, always reviewed)."""
        return "candidate" in self.sql


def _partition_problems(partition: dict, datasets) -> list[str]:
    problems = []
    arity = {len(columns) for columns in partition.values()}
    if len(arity) > 1 or 0 in arity:
        problems.append("partition names as many columns (at least one) for every dataset")
    for name, columns in partition.items():
        if name not in datasets or name not in DATASET_KINDS:
            problems.append(f"partition names {name}, not a declared dataset")
            continue
        unknown = set(columns) - set(DATASET_KINDS[name].column_names)
        if unknown:
            problems.append(f"partition names columns {name} has not: {', '.join(sorted(unknown))}")
    return problems


def _sql_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_sql_literal(v) for v in value) + "]"
    raise ValueError(f"unsupported parameter value {value!r}")


def load_models(directory: str | Path, *, builtin: bool = False) -> dict[str, Model]:
    """Load every ``*.toml`` + ``*.sql`` pair of a directory, by id."""
    models = {}
    for path in sorted(Path(directory).glob("*.toml")):
        model = Model.from_files(path, builtin=builtin)
        if model.id != path.stem:
            raise ModelInvalid(model.id, [f"the file is called {path.name}"])
        models[model.id] = model
    return models


def load_library() -> dict[str, Model]:
    """The built-in model library."""
    return load_models(LIBRARY_DIR, builtin=True)


def referenced_tables(sql: str) -> set[str]:
    """Tables a query reads, leaving out its own CTEs (raises sqlglot errors on bad SQL)."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    return {t.name.lower() for t in tree.find_all(exp.Table) if t.name.lower() not in ctes}


def _static_problems(model: Model, sql: str) -> list[str]:
    problems = []
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except sqlglot.errors.SqlglotError as error:
        return [f"the SQL does not parse: {error}".splitlines()[0]]
    if len(statements) != 1:
        return ["the SQL must be exactly one query"]
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        return ["the SQL must be a query (SELECT …), nothing that writes or configures"]
    for node in tree.walk():
        if isinstance(node, _WRITE_NODES):
            problems.append(f"the SQL may not contain {node.key.upper()}")
        if isinstance(node, exp.Table) and not isinstance(node.this, exp.Identifier):
            problems.append("the SQL may not read from table functions or files")
        if isinstance(node, exp.Func):
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            if _FORBIDDEN_FUNCTIONS.match(name or ""):
                problems.append(f"the SQL may not call {name}")
    problems += portability_problems(tree)
    allowed = set(model.datasets)
    for table in sorted(referenced_tables(sql)):
        if table not in allowed:
            problems.append(f"the SQL reads {table}, which is not among the declared datasets")
    return problems


def _bind_problems(sql: str, model: Model) -> list[str]:
    """Bind the query in DuckDB against empty contract tables; check the output columns."""
    con = duckdb.connect(config={"enable_external_access": False})
    con.execute("SET enable_progress_bar = false")
    try:
        for name in model.datasets:
            columns = (
                DATASET_KINDS[name].stored_columns
                if name in DATASET_KINDS
                else BUILTIN_TABLES[name]
            )
            body = ", ".join(f'"{c}" {t}' for c, t in columns)
            con.execute(f"CREATE TABLE {name} ({body})")
        try:
            described = con.execute(f"DESCRIBE {sql}").fetchall()
        except duckdb.Error as error:
            return [f"the SQL does not bind: {str(error).splitlines()[0]}"]
    finally:
        con.close()
    output = {row[0]: row[1] for row in described}
    problems = []
    for column in HIT_COLUMNS:
        if column not in output:
            problems.append(f"the SQL does not return the column {column}")
    evidence = output.get("evidence", "")
    if evidence and not re.fullmatch(
        r'STRUCT\("?dataset"? VARCHAR, "?key"? VARCHAR\)\[\]', evidence
    ):
        problems.append(f"evidence must be a list of {{dataset, key}} text pairs, not {evidence}")
    amount = output.get("amount", "")
    if amount and not re.match(r"(DECIMAL|INTEGER|BIGINT|HUGEINT|DOUBLE|FLOAT|\"NULL\")", amount):
        problems.append(f"amount must be a number, not {amount}")
    return problems


def validate_model(model: Model) -> list[str]:
    """Every reason the model cannot be enabled; an empty list means it is valid."""
    problems = []
    if not _MODEL_ID.fullmatch(model.id):
        problems.append("id must be 3–64 lower-case letters, digits or _ starting with a letter")
    for name in model.datasets:
        if name not in DATASET_KINDS and name not in BUILTIN_TABLES:
            problems.append(f"unknown dataset {name!r}")
    for lang, text in (("zh", model.reason_zh), ("en", model.reason_en)):
        if not text:
            problems.append(f"reason.{lang} is missing")
            continue
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        except ValueError as error:
            problems.append(f"reason.{lang} is malformed: {error}")
            continue
        for name in sorted(fields - HIT_PLACEHOLDERS - set(model.detail_parts)):
            problems.append(f"reason.{lang} uses unknown placeholder {{{name}}}")
    if AS_OF in model.params:
        problems.append(f"[params] may not declare {AS_OF}: it is the run's as-of date")
    try:
        sql = model.rendered_sql()
    except ModelInvalid as error:
        return problems + error.problems
    static = _static_problems(model, sql)
    problems += static
    if not static and not any(p.startswith("unknown dataset") for p in problems):
        problems += _bind_problems(sql, model)
    return problems
