"""Field mappings: headers as departments write them are recognised, every field can come from a
column, a constant, the row number, a value chosen on upload or a derivation, every problem is
named before the import starts, and a payment list without payment numbers still imports."""

from __future__ import annotations

import duckdb
import pytest

from oversight.analytics.engine import ImportFailed, mapping
from oversight.analytics.engine.contracts import DATASET_KINDS

from .conftest import pid, write_csv

PAYMENTS = DATASET_KINDS["benefit_payments"]


def stored(workspace, stage):
    con = duckdb.connect()
    path = workspace.root / "staging" / stage.stage_id / "data.parquet"
    cursor = con.execute(f"SELECT * FROM '{path}' ORDER BY payment_id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_headers_compare_without_width_spaces_or_punctuation():
    assert mapping.normalise_header("金额（元）") == mapping.normalise_header("金额(元)")
    assert mapping.normalise_header(" 身份证 号 ") == "身份证号"
    assert mapping.normalise_header("ＩＤ：") == "id"
    assert mapping.find_header(["姓名", "金额（元）"], "金额(元)") == "金额（元）"
    assert mapping.find_header(["姓名"], "身份证号") is None


def test_it_suggests_fields_from_the_variants_departments_write():
    headers = ["序号", "姓　名", "公民身份证号码", "发放金额（元）", "发放年月", "所属乡镇", "备注"]
    rules = mapping.suggest(PAYMENTS, headers)
    assert rules == {
        "name": {"column": "姓　名"},
        "resident_id": {"column": "公民身份证号码"},
        "amount": {"column": "发放金额（元）"},
        "period": {"column": "发放年月"},
        "town": {"column": "所属乡镇"},
    }
    # A saved rule wins over a suggestion, and one column is never suggested twice.
    saved = {"program_code": {"constant": "P06"}, "name": {"column": "姓名"}}
    rules = mapping.suggest(PAYMENTS, headers, saved=saved)
    assert rules["program_code"] == {"constant": "P06"} and rules["name"] == {"column": "姓　名"}


def test_it_names_every_problem_before_the_import_starts():
    rules = {
        "resident_id": {"column": "身份证号"},
        "name": {"column": "身份证号"},
        "amount": {"column": "钱"},
        "period": {"upload": "period"},
        "nonsense": {"column": "x"},
        "town": {"constant": " "},
    }
    problems = mapping.check(PAYMENTS, rules, ["身份证号", "姓名"], {"period": ""})
    assert {(p.code, p.field) for p in problems} == {
        ("column_twice", "name"),
        ("no_column", "amount"),
        ("no_upload_value", "period"),
        ("unknown_field", "nonsense"),
        ("bad_rule", "town"),
        ("unmapped", "program_code"),
    }
    # The payment number is made when missing, so it is never required.
    assert "payment_id" not in {p.field for p in problems}


def test_the_older_form_of_a_mapping_still_reads():
    assert mapping.rules_of({"身份证": "resident_id", "死亡时间": "death_date"}) == {
        "resident_id": {"column": "身份证"},
        "death_date": {"column": "死亡时间"},
    }


def test_it_imports_a_program_file_without_payment_numbers_or_program_codes(workspace):
    workspace.register_source("subsistence", kind="benefit_payments")
    path = write_csv(workspace.root / "低保.csv", [
        {"姓名": "张 三", "身份证号码": pid(1), "金额（元）": "５２０．００", "发放日期": "2024年3月5日",
         "村": "东村", "组": "一组"},
        {"姓名": "李四", "身份证号码": pid(2), "金额（元）": "480", "发放日期": "2024/3/6",
         "村": "西村", "组": "二组"},
    ])  # fmt: skip
    rules = {
        "program_code": {"upload": "program"},
        "period": {"date_part": "period", "column": "发放日期"},
        "village": {"concat": ["村", "组"], "sep": "/"},
        "bank_account": {"constant": "00000000"},
        "pay_date": {"column": "发放日期"},
    }
    report = workspace.stage("subsistence", path, mapping=rules, upload_values={"program": "P06"})
    assert report.rejected_rows == 0, report.rejections()
    rows = stored(workspace, report)
    digest = report.source_sha256[:12]
    assert [r["payment_id"] for r in rows] == [f"F{digest}-R2", f"F{digest}-R3"]
    first = rows[0]
    assert first["program_code"] == "P06" and first["period"] == "2024-03"
    assert str(first["amount"]) == "520.00" and first["village"] == "东村/一组"
    assert first["resident_id"] == pid(1) and first["bank_account"] == "00000000"
    assert report.mapping["resident_id"] == {"column": "身份证号码"}
    # The same file staged again gives the same payment numbers.
    again = workspace.stage("subsistence", path, mapping=rules, upload_values={"program": "P06"})
    assert [r["payment_id"] for r in stored(workspace, again)] == [r["payment_id"] for r in rows]


def test_a_row_number_can_be_the_payment_number(workspace):
    workspace.register_source("pension", kind="benefit_payments")
    path = write_csv(workspace.root / "p.csv", [
        {"身份证": pid(3), "姓名": "王五", "月份": "2024-05", "金额": "100"},
    ])  # fmt: skip
    rules = {"payment_id": {"row": True}, "program_code": {"constant": "P02"}}
    report = workspace.stage("pension", path, mapping=rules)
    assert [r["payment_id"] for r in stored(workspace, report)] == ["2"]


def test_it_refuses_an_import_whose_mapping_cannot_be_used(workspace):
    workspace.register_source("pension", kind="benefit_payments")
    path = write_csv(workspace.root / "p.csv", [{"身份证": pid(3), "姓名": "王五", "金额": "1"}])
    with pytest.raises(ImportFailed) as error:
        workspace.stage("pension", path, mapping={"program_code": {"upload": "program"}})
    message = str(error.value)
    assert "no program was chosen on upload" in message and "period (所属期)" in message
    assert not list((workspace.root / "staging").iterdir())
