"""Validation refuses what would not mean the same on every engine, or on every day."""

from __future__ import annotations

import datetime

import pytest

from oversight.analytics.engine import Model, validate_model
from oversight.analytics.engine.portable import strftime_to_spark

D = datetime.date


def _model(sql: str, **params) -> Model:
    return Model(
        id="custom_check",
        name_zh="检查",
        name_en="Check",
        domain="benefits",
        datasets=("deaths",),
        sql=sql,
        reason_zh="{subject_name}",
        reason_en="{subject_name}",
        params=params,
    )


SELECT = (
    "SELECT resident_id AS subject_id, name AS subject_name, '' AS unit, {amount} AS amount, "
    "{period} AS period, [{{'dataset': 'deaths', 'key': resident_id}}] AS evidence, "
    "'resident_id' AS match_method, resident_id AS fingerprint_key, '' AS detail FROM deaths"
)


def _select(amount: str = "0", period: str = "''") -> str:
    return SELECT.format(amount=amount, period=period)


@pytest.mark.parametrize(
    "amount",
    ["date_diff('day', death_date, current_date)", "date_diff('day', death_date, today())",
     "date_diff('day', death_date, CAST(now() AS DATE))",
     "date_diff('day', death_date, CAST(current_timestamp AS DATE))",
     "date_diff('day', death_date, CAST(get_current_timestamp() AS DATE))"],
)  # fmt: skip
def test_it_refuses_a_model_that_reads_the_clock(amount):
    problems = validate_model(_model(_select(amount=amount)))
    assert any("${as_of}" in p and "clock" in p for p in problems), problems


def test_it_accepts_the_as_of_date_instead_and_renders_it_per_run():
    model = _model(_select(amount="date_diff('day', death_date, ${as_of})"))
    assert validate_model(model) == []
    assert "DATE '2026-12-03'" in model.rendered_sql(as_of=D(2026, 12, 3))
    assert "${as_of}" in model.rendered_sql(as_of=None)


def test_it_refuses_as_of_declared_as_an_ordinary_parameter():
    problems = validate_model(_model(_select(), as_of="2026-01-01"))
    assert any("as_of" in p and "[params]" in p for p in problems), problems


@pytest.mark.parametrize(
    ("period", "expected"),
    [("strftime(death_date, '%V')", "%V"), ("strftime(death_date, '%W')", "%W"),
     ("strftime(death_date, '%u')", "%u"),
     ("CAST(date_sub('month', death_date, DATE '2026-01-01') AS VARCHAR)", "date_sub"),
     ("CAST(CAST(death_date AS TIMESTAMPTZ) AS VARCHAR)", "zoned"),
     ("CAST(CAST(death_date AS TIMESTAMP) AT TIME ZONE 'UTC' AS VARCHAR)", "time zones")],
)  # fmt: skip
def test_it_refuses_constructs_that_differ_between_engines(period, expected):
    problems = validate_model(_model(_select(period=period)))
    assert any(expected in p for p in problems), problems


def test_it_quotes_literal_letters_in_spark_patterns():
    assert strftime_to_spark("%Y年%m月") == "yyyy'年'MM'月'"
    assert strftime_to_spark("Q%Y it's") == "'Q'yyyy' it''s'"
    assert strftime_to_spark("100%%") == "'100%'"
    with pytest.raises(ValueError, match="%V"):
        strftime_to_spark("%Y-W%V")
