"""One meaning on every engine: the model SQL rules that make DuckDB and Spark agree.

A model is written once, in DuckDB's dialect, and runs on DuckDB or (transpiled by SQLGlot) on
Spark. SQLGlot translates syntax, not meaning, and a few constructs mean different things on the
two engines (measured in ``tests/test_portable.py``, both engines at the edges):

============================  ==============================  ================================
construct                     DuckDB                          Spark
============================  ==============================  ================================
``date_diff('month', a, b)``  month boundaries crossed        whole months elapsed
``dayofweek`` / ``dow``       Sunday = 0                      Sunday = 1
``isodow``                    Monday = 1 … Sunday = 7         (SQLGlot renders it wrongly)
``week(d)``, ``yearweek``     ISO week                        no such function
``strftime('%V' …)``          C-style directives              Java patterns; letters are codes
``d ± INTERVAL``              a TIMESTAMP                     a DATE
``date_trunc``                a TIMESTAMP                     a DATE (``TRUNC``, dates only)
``a / 0``                     ``inf`` or an error             ``NULL``
``CAST(2.5 AS INT)``          rounds                          truncates
``CAST('x' AS INT)``          an error                        ``NULL`` (unless ANSI mode)
``current_date``              the machine's day, its zone     the driver's day, its zone
============================  ==============================  ================================

They are handled in three ways:

* **Both engines run the normalised query** (:func:`normalise`): every division is ``DOUBLE``
  division by ``NULLIF(divisor, 0)``, so a ratio over nothing is ``NULL`` on both, and
  ``date ± interval`` and ``date_trunc`` give a ``TIMESTAMP`` on both.
* **Spark gets DuckDB's meaning** (``spark.py``, one rewrite per construct): calendar month,
  quarter and year differences, day-of-week numbering, ISO weeks, ``strftime`` formats with
  literals quoted, rounding casts to integers and decimals, and ANSI mode so bad casts and
  overflows fail on both.
* **The rest is refused when a model is validated** (:func:`portability_problems`): reading the
  clock (a model's "today" is the run's as-of date, ``${as_of}``), ``date_sub`` (whole units,
  end-of-month rules that differ), time zones, and ``strftime`` directives Spark cannot render.

``${as_of}`` is a reserved parameter: the run's as-of date as a ``DATE`` literal. A run records
it, so a rerun with the same data and the same as-of date gives the same amounts on either
engine, whatever the date and time zone of the machine.
"""

from __future__ import annotations

import datetime
import re

from sqlglot import exp

__all__ = [
    "AS_OF",
    "as_of_literal",
    "normalise",
    "portability_problems",
    "strftime_to_spark",
]

AS_OF = "as_of"

# Functions that read the machine's clock (or its time zone): a model's result would depend on
# the day, the hour and the zone it ran in.
_CLOCK_NODES = tuple(
    getattr(exp, name)
    for name in (
        "CurrentDate",
        "CurrentDatetime",
        "CurrentTime",
        "CurrentTimestamp",
        "CurrentTimestampLTZ",
        "Localtime",
        "Localtimestamp",
    )
    if hasattr(exp, name)
)
_CLOCK_FUNCTIONS = re.compile(
    r"^(now|today|current_(date|time|timestamp|localtime|localtimestamp)|get_current_\w+|"
    r"transaction_timestamp|localtimestamp|localtime|statement_timestamp|unix_timestamp)$",
    re.IGNORECASE,
)
# Zoned types and conversions: their meaning depends on the session's time zone.
_ZONED_TYPES = {
    exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.TIMESTAMPLTZ,
    exp.DataType.Type.TIMETZ,
}

# strftime directives both engines render the same way, with their Java pattern.
STRFTIME_DIRECTIVES: dict[str, str] = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "MM",
    "%-m": "M",
    "%d": "dd",
    "%-d": "d",
    "%H": "HH",
    "%-H": "H",
    "%M": "mm",
    "%S": "ss",
    "%j": "DDD",
    "%b": "MMM",
    "%B": "MMMM",
    "%a": "EEE",
    "%A": "EEEE",
}
_DIRECTIVE = re.compile(r"%-?[A-Za-z%]")


def as_of_literal(as_of: datetime.date) -> str:
    """The as-of date as it appears in a model's SQL: a DATE literal."""
    if isinstance(as_of, datetime.datetime) or not isinstance(as_of, datetime.date):
        raise TypeError(f"the as-of date must be a date, not {as_of!r}")
    return f"DATE '{as_of.isoformat()}'"


def strftime_to_spark(fmt: str) -> str:
    """A DuckDB ``strftime`` format as a Spark ``date_format`` pattern, literals quoted.

    Raises ``ValueError`` naming a directive that has no equal meaning on Spark.
    """
    pattern: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            text = "".join(literal).replace("'", "''")
            pattern.append(f"'{text}'")
            literal.clear()

    position = 0
    for match in _DIRECTIVE.finditer(fmt):
        literal.extend(fmt[position : match.start()])
        position = match.end()
        directive = match.group(0)
        if directive == "%%":
            literal.append("%")
            continue
        if directive not in STRFTIME_DIRECTIVES:
            raise ValueError(directive)
        flush()
        pattern.append(STRFTIME_DIRECTIVES[directive])
    literal.extend(fmt[position:])
    flush()
    return "".join(pattern)


def _function_name(node: exp.Expression) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.this)
    return node.sql_name() if isinstance(node, exp.Func) else ""


def portability_problems(tree: exp.Expression) -> list[str]:
    """Every construct of a parsed model query whose meaning differs between the engines and
    that the engine does not translate; an empty list means the query is portable."""
    problems: list[str] = []
    for node in tree.walk():
        name = _function_name(node).lower()
        if isinstance(node, _CLOCK_NODES) or _CLOCK_FUNCTIONS.match(name):
            problems.append(
                f"the SQL reads the clock ({node.sql(dialect='duckdb')}); use ${{{AS_OF}}}, "
                "the run's as-of date, so a rerun gives the same result"
            )
        elif isinstance(node, exp.AtTimeZone) or name in {"timezone", "convert_timezone"}:
            problems.append("the SQL converts time zones; dates in datasets have no zone")
        elif isinstance(node, exp.DataType) and node.this in _ZONED_TYPES:
            problems.append(f"the SQL uses the zoned type {node.sql(dialect='duckdb')}")
        elif name in {"date_sub", "datesub"} and len(node.expressions) == 3:
            problems.append(
                "date_sub counts whole units with end-of-month rules that differ between "
                "engines; use date_diff (calendar boundaries crossed) or compare dates"
            )
        elif isinstance(node, exp.TimeToStr | exp.StrToTime):
            fmt = node.args.get("format")
            if not isinstance(fmt, exp.Literal) or not fmt.is_string:
                problems.append("a strftime/strptime format must be a constant text")
                continue
            try:
                strftime_to_spark(fmt.this)
            except ValueError as error:
                allowed = " ".join(sorted(STRFTIME_DIRECTIVES))
                problems.append(
                    f"the date format directive {error} is not available on every engine "
                    f"(use one of {allowed}, or week and day functions)"
                )
    return list(dict.fromkeys(problems))


def _nullif_zero(node: exp.Expression) -> exp.Expression:
    return exp.Nullif(this=node, expression=exp.Literal.number(0))


def _as(node: exp.Expression, type_: str) -> exp.Cast:
    return exp.Cast(this=node, to=exp.DataType.build(type_))


def _normalised(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Div):
        return exp.Paren(
            this=exp.Div(
                this=_as(node.this.copy(), "DOUBLE"),
                expression=_nullif_zero(_as(node.expression.copy(), "DOUBLE")),
            )
        )
    if isinstance(node, exp.IntDiv | exp.Mod):
        return exp.Paren(
            this=node.__class__(
                this=node.this.copy(), expression=_nullif_zero(node.expression.copy())
            )
        )
    if isinstance(node, exp.Add | exp.Sub) and (
        isinstance(node.expression, exp.Interval) or isinstance(node.this, exp.Interval)
    ):
        return _as(exp.Paren(this=node.copy()), "TIMESTAMPNTZ")
    if isinstance(node, exp.TimestampTrunc):
        return _as(node.copy(), "TIMESTAMPNTZ")
    return node


def normalise(tree: exp.Expression) -> exp.Expression:
    """The query as both engines run it: division is ``DOUBLE`` division by ``NULLIF(…, 0)``
    (``//`` and ``%`` by ``NULLIF(…, 0)`` too), and ``date ± interval`` and ``date_trunc``
    are ``TIMESTAMP``s."""
    tree = tree.copy()
    # Children before parents, so a division inside a division is normalised too.
    for node in reversed(list(tree.walk())):
        replacement = _normalised(node)
        if replacement is not node:
            node.replace(replacement)
    return tree
