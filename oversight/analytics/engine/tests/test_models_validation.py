"""Model files and their validation: the library is complete and valid; bad models are refused."""

from __future__ import annotations

import pytest

from oversight.analytics.engine import Model, ModelInvalid, validate_model
from oversight.analytics.engine.models import LIBRARY_DIR, referenced_tables

from .conftest import LIBRARY

META = """
id = "my_model"
name_zh = "测试模型"
name_en = "A test model"
domain = "benefits"
datasets = ["deaths"]
[severity]
yellow = 0
red = 100
[reason]
zh = "{subject_name}：{amount}元"
en = "{subject_name}: {amount} yuan"
"""

GOOD_SQL = """
SELECT resident_id AS subject_id, name AS subject_name, source AS unit, 0 AS amount,
       strftime(death_date, '%Y-%m') AS period,
       [{'dataset': 'deaths', 'key': resident_id}] AS evidence,
       'resident_id' AS match_method, resident_id AS fingerprint_key, NULL AS detail
FROM deaths
"""


def test_it_ships_at_least_fifteen_valid_models_covering_the_issue():
    assert len(LIBRARY) >= 15
    for model in LIBRARY.values():
        assert validate_model(model) == [], model.id
        assert (LIBRARY_DIR / f"{model.id}.sql").exists()
    assert {m.domain for m in LIBRARY.values()} == {
        "benefits",
        "procurement",
        "expenses",
        "medical",
    }
    for needed in ("cadre_relative_benefit", "deceased_paid", "payroll_subsistence",
                   "exclusive_programs", "duplicate_payment", "party_member_subsidy",
                   "vendor_employee_link", "contract_splitting", "repeat_awards",
                   "holiday_entertainment", "invoice_far_from_trip", "overlapping_stays",
                   "admission_without_criteria", "repeated_short_admissions"):  # fmt: skip
        assert needed in LIBRARY


def test_it_accepts_an_officers_model():
    assert validate_model(Model.from_text(META, GOOD_SQL)) == []


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        (GOOD_SQL.replace("FROM deaths", "FROM deaths JOIN residents USING (resident_id)"),
         "reads residents, which is not among the declared datasets"),
        (GOOD_SQL.replace("FROM deaths", "FROM read_csv('/etc/passwd')"), "table functions or files"),
        (GOOD_SQL.replace("source AS unit", "getenv('HOME') AS unit"), "may not call"),
        ("DROP TABLE deaths", "must be a query"),
        (GOOD_SQL + "; SELECT 1", "exactly one query"),
        (GOOD_SQL.replace(", NULL AS detail", ""), "does not return the column detail"),
        (GOOD_SQL.replace("[{'dataset': 'deaths', 'key': resident_id}]", "resident_id"),
         "evidence must be a list"),
        (GOOD_SQL.replace("source AS unit", "no_such_column AS unit"), "does not bind"),
        (GOOD_SQL.replace("0 AS amount", "${threshold} AS amount"), "not in [params]"),
        ("SELECT FROM WHERE", "does not parse"),
    ],
)  # fmt: skip
def test_it_refuses_models_that_read_undeclared_data_or_return_the_wrong_columns(sql, problem):
    problems = validate_model(Model.from_text(META, sql))

    assert any(problem in p for p in problems), problems


def test_it_refuses_bad_metadata():
    with pytest.raises(ModelInvalid, match="lacks 'datasets'"):
        Model.from_text(META.replace('datasets = ["deaths"]', ""), GOOD_SQL)
    with pytest.raises(ModelInvalid, match="red must not be below"):
        Model.from_text(META.replace("red = 100", "red = -1"), GOOD_SQL)
    model = Model.from_text(
        META.replace("{amount}元", "{nonsense}").replace("测试", "测"), GOOD_SQL
    )
    assert "reason.zh uses unknown placeholder {nonsense}" in validate_model(model)
    with pytest.raises(ModelInvalid, match="unknown parameters"):
        LIBRARY["contract_splitting"].with_params(threshold=1)


def test_it_substitutes_parameters_as_literals():
    model = LIBRARY["holiday_entertainment"].with_params(categories=["餐饮", "it's"])

    assert "['餐饮', 'it''s']" in model.rendered_sql()
    assert validate_model(model) == []


def test_it_lists_the_tables_a_query_reads_without_its_ctes():
    sql = "WITH x AS (SELECT * FROM deaths) SELECT * FROM x JOIN residents USING (resident_id)"

    assert referenced_tables(sql) == {"deaths", "residents"}
