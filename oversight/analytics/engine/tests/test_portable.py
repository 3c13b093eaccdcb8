"""Every construct whose meaning differs between DuckDB and Spark means the same after the
engine's normalisation and transpilation, at the edges of the calendar (see ``portable.py``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.analytics.engine.portable import as_of_literal, normalise

from .conftest import AS_OF

COLUMNS = {
    "id": "INTEGER",
    "a": "DATE",
    "b": "DATE",
    "ta": "TIMESTAMP",
    "tb": "TIMESTAMP",
    "x": "DOUBLE",
    "dx": "DECIMAL(18,4)",
    "n": "INTEGER",
    "k": "INTEGER",
    "s": "VARCHAR",
    "maybe": "INTEGER",
}

D, T = datetime.date, datetime.datetime
# Ends of months, leap days, year boundaries, Sundays and Mondays around ISO week 1, negative
# spans; numbers on .5, a double just under .5 (1.005), zero divisors, NULLs to order.
EDGES = [
    (1, D(2024, 1, 31), D(2024, 2, 29), T(2024, 1, 31, 23, 59, 59), T(2024, 2, 1, 0, 0, 1),
     2.5, Decimal("2.5"), 4, 0, "2024-1-5", None),
    (2, D(2024, 2, 29), D(2025, 2, 28), T(2024, 2, 29, 10, 59), T(2024, 2, 29, 11, 1),
     3.5, Decimal("-2.5"), 3, 2, " 2024-02-29", 1),
    (3, D(2024, 12, 31), D(2025, 1, 1), T(2024, 12, 31, 23, 0), T(2025, 1, 1, 1, 0),
     -2.5, Decimal("2.4999"), 7, -3, "2024-12-31", None),
    (4, D(2025, 1, 1), D(2024, 12, 31), T(2025, 1, 1, 0, 30), T(2024, 12, 31, 23, 30),
     1.005, Decimal("-0.5"), -7, 3, "2025-01-01", 2),
    (5, D(2024, 3, 10), D(2026, 12, 3), T(2024, 3, 10, 8, 0), T(2026, 12, 3, 7, 59),
     12.345, Decimal("1234.5678"), 1, 1, "2026-12-03", 0),
    (6, D(2023, 12, 31), D(2024, 1, 1), T(2023, 12, 31, 12, 0), T(2024, 1, 1, 12, 0),
     0.125, Decimal("0.125"), 10, 4, "2023-12-31", None),
    (7, D(2020, 2, 29), D(2024, 2, 29), T(2020, 2, 29, 0, 0), T(2024, 2, 28, 23, 59, 59),
     -0.5, Decimal("0.5"), 0, 5, "2020-02-29", 5),
    (8, D(2024, 12, 29), D(2024, 12, 30), T(2024, 12, 29, 6, 0), T(2024, 12, 30, 6, 0),
     2.675, Decimal("-1234.5"), 9, 0, "2024-12-29", 3),
    (9, D(2021, 1, 3), D(2021, 1, 4), T(2021, 1, 3, 0, 0), T(2021, 1, 4, 0, 0),
     123456.785, Decimal("7"), 11, 2, "2021-01-03", None),
    (10, D(2024, 3, 31), D(2024, 4, 1), T(2024, 3, 31, 23, 59), T(2024, 4, 1, 0, 0),
     -1.005, Decimal("0.0001"), 5, -2, "2024-03-31", -1),
    (11, D(2026, 11, 30), D(2026, 12, 1), T(2026, 11, 30, 0, 0), T(2026, 12, 1, 0, 0),
     1e12 + 0.5, Decimal("99.995"), 8, 8, "2026-11-30", 4),
    (12, D(2028, 2, 29), D(2028, 12, 31), T(2028, 2, 29, 0, 0), T(2028, 12, 31, 0, 0),
     0.0, Decimal("0"), 6, 7, "2028-02-29", None),
]  # fmt: skip

EXPRESSIONS = {
    # calendar differences: boundaries crossed, as DuckDB counts them
    "month_diff": "date_diff('month', a, b)",
    "quarter_diff": "date_diff('quarter', a, b)",
    "year_diff": "date_diff('year', a, b)",
    "week_diff": "date_diff('week', a, b)",
    "day_diff": "date_diff('day', a, b)",
    "datediff_alias": "datediff('month', a, b)",
    "hour_diff": "date_diff('hour', ta, tb)",
    "minute_diff": "date_diff('minute', ta, tb)",
    "second_diff": "date_diff('second', ta, tb)",
    "timestamp_day_diff": "date_diff('day', ta, tb)",
    "months_to_as_of": "date_diff('month', a, ${as_of})",
    "paid_months": "greatest(date_diff('month', a, COALESCE(NULL, ${as_of})), 1)",
    # week numbers and days of the week
    "dow": "dayofweek(a)",
    "isodow": "isodow(a)",
    "week": "week(a)",
    "weekofyear": "weekofyear(a)",
    "yearweek": "yearweek(a)",
    "weekday": "weekday(a)",
    "extract_dow": "extract(dow FROM a)",
    "extract_isodow": "extract(isodow FROM a)",
    "extract_week": "extract(week FROM a)",
    "extract_isoyear": "extract(isoyear FROM a)",
    "date_part_dow": "date_part('dow', a)",
    "dayofyear": "dayofyear(a)",
    # formats: directives and literal letters
    "month_text": "strftime(a, '%Y-%m')",
    "chinese_date": "strftime(a, '%Y年%m月%d日')",
    "letters": "strftime(a, 'Q%Y W %d day %j ''quoted''')",
    "short": "strftime(a, '%-m/%-d %a %b %y 100%%')",
    "time_text": "strftime(ta, '%Y-%m-%d %H:%M:%S')",
    # date arithmetic and truncation: TIMESTAMPs on both
    "plus_month": "CAST(a + INTERVAL 1 MONTH AS VARCHAR)",
    "minus_year": "CAST(a - INTERVAL 1 YEAR AS VARCHAR)",
    "plus_days": "CAST(a + INTERVAL 31 DAY AS VARCHAR)",
    "month_end_compare": "b <= CAST(strftime(a, '%Y-%m') || '-01' AS DATE) + INTERVAL 1 MONTH",
    "trunc_week": "CAST(date_trunc('week', a) AS VARCHAR)",
    "trunc_month": "CAST(date_trunc('month', a) AS VARCHAR)",
    "trunc_day_of_timestamp": "CAST(date_trunc('day', ta) AS VARCHAR)",
    "last_day": "last_day(a)",
    "next_day": "a + 1",
    # division, integer division, remainders by zero; rounding casts
    "ratio": "x / n",
    "integer_ratio": "n / k",
    "decimal_ratio": "dx / n",
    "integer_division": "n // k",
    "remainder": "n % k",
    "int_of_double": "CAST(x AS BIGINT)",
    "bigint_of_decimal": "CAST(dx AS BIGINT)",
    "decimal_of_double": "CAST(x AS DECIMAL(18,2))",
    "decimal_of_ratio": "CAST(x / 3 AS DECIMAL(18,2))",
    "decimal_product": "CAST(dx * n AS DECIMAL(18,2))",
    "rounded": "round(x, 2)",
    # text to date, NULL ordering
    "text_to_date": "CAST(s AS DATE)",
    "nulls_ascending": "row_number() OVER (ORDER BY maybe, id)",
    "nulls_descending": "row_number() OVER (ORDER BY maybe DESC, id)",
}


def _render(sql: str, as_of: datetime.date) -> str:
    return sql.replace("${as_of}", as_of_literal(as_of))


def _query(expressions: dict[str, str], as_of: datetime.date) -> str:
    body = ", ".join(f"{sql} AS {name}" for name, sql in expressions.items())
    return _render(f"SELECT id, {body} FROM edges ORDER BY id", as_of)


def _on_duckdb(rows, sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        columns = ", ".join(f"{name} {type_}" for name, type_ in COLUMNS.items())
        con.execute(f"CREATE TABLE edges ({columns})")
        con.executemany(f"INSERT INTO edges VALUES ({', '.join('?' * len(COLUMNS))})", rows)
        normalised = normalise(sqlglot.parse_one(sql, read="duckdb")).sql(dialect="duckdb")
        return [tuple(r) for r in con.execute(normalised).fetchall()]
    finally:
        con.close()


def _on_spark(spark, rows, sql: str) -> list[tuple]:
    from oversight.analytics.engine.spark import _ddl, to_spark_sql

    spark.createDataFrame(rows, schema=_ddl(COLUMNS.items())).createOrReplaceTempView("edges")
    normalised = normalise(sqlglot.parse_one(sql, read="duckdb")).sql(dialect="duckdb")
    spark_sql = to_spark_sql(normalised, tables={"edges": COLUMNS})
    return [tuple(r) for r in spark.sql(spark_sql).collect()]


def _differences(names, duck_rows, spark_rows) -> list[str]:
    problems = []
    for duck, on_spark in zip(duck_rows, spark_rows, strict=True):
        for name, d, s in zip(["id", *names], duck, on_spark, strict=True):
            if d != s or type(d) is not type(s):
                problems.append(f"row {duck[0]} {name}: duckdb {d!r} != spark {s!r}")
    return problems


pytestmark = pytest.mark.spark


@pytest.mark.parametrize(
    "as_of", [D(2026, 12, 1), D(2026, 11, 30), D(2028, 2, 29), D(2026, 12, 31)], ids=str
)
def test_it_means_the_same_on_both_engines_at_the_edges(spark, as_of):
    sql = _query(EXPRESSIONS, as_of)
    duck_rows, spark_rows = _on_duckdb(EDGES, sql), _on_spark(spark, EDGES, sql)
    assert len(duck_rows) == len(EDGES)
    assert _differences(list(EXPRESSIONS), duck_rows, spark_rows) == []


def test_it_counts_calendar_boundaries_as_duckdb_does(spark):
    # The case of the failure that started this: 2024-03-10 to 2026-12-03.
    sql = _query({"months": "date_diff('month', a, b)"}, AS_OF)
    duck_rows = _on_duckdb(EDGES, sql)
    assert dict(duck_rows)[5] == 33 and dict(duck_rows)[1] == 1
    assert _on_spark(spark, EDGES, sql) == duck_rows


def test_it_divides_by_zero_into_null_on_both(spark):
    sql = _query({"ratio": "x / k", "whole": "n // k", "rest": "n % k"}, AS_OF)
    duck_rows = _on_duckdb(EDGES, sql)
    zero_divisor = [row for row in duck_rows if row[0] in (1, 8)]
    assert zero_divisor and all(v is None for row in zero_divisor for v in row[1:])
    assert _on_spark(spark, EDGES, sql) == duck_rows


def test_it_fails_a_bad_cast_on_both_instead_of_guessing(spark):
    rows = [(1, *EDGES[0][1:9], "2024-02-30", None)]
    sql = _query({"day": "CAST(s AS DATE)"}, AS_OF)
    with pytest.raises(duckdb.Error):
        _on_duckdb(rows, sql)
    with pytest.raises(Exception, match="(?i)cast|date"):
        _on_spark(spark, rows, sql)


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31))


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=st.lists(st.tuples(dates, dates), min_size=1, max_size=40), as_of=dates)
def test_any_dates_give_the_same_calendar_figures_on_both(spark, pairs, as_of):
    rows = [
        (i, a, b, T(a.year, a.month, a.day), T(b.year, b.month, b.day), 0.0, Decimal(0), 1, 1,
         a.isoformat(), None)
        for i, (a, b) in enumerate(pairs)
    ]  # fmt: skip
    calendar = {
        name: EXPRESSIONS[name]
        for name in ("month_diff", "quarter_diff", "year_diff", "week_diff", "day_diff",
                     "months_to_as_of", "isodow", "dow", "week", "yearweek", "extract_isoyear",
                     "chinese_date", "plus_month", "trunc_week", "hour_diff")
    }  # fmt: skip
    sql = _query(calendar, as_of)
    assert _differences(list(calendar), _on_duckdb(rows, sql), _on_spark(spark, rows, sql)) == []
