"""Two-phase import: every bad row reported with its reason, nothing kept on failure or discard."""

from __future__ import annotations

import datetime

import duckdb
import openpyxl
import pytest

from oversight.analytics.engine import ImportFailed, Runner, WorkspaceError
from oversight.lib import resident_id

from .conftest import AS_OF, LIBRARY, credit_code, load, pid, write_csv


def stored(workspace, version):
    """The rows of an accepted version, as dicts."""
    con = duckdb.connect()
    cursor = con.execute(f"SELECT * FROM '{version.data_file(workspace.root)}'")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_it_rejects_every_bad_row_with_row_column_and_reason(workspace):
    good = pid(1)
    old = resident_id.make(area="320923", born=datetime.date(1965, 4, 3), sequence=21)
    fifteen = old[:6] + old[8:17]
    bad_checksum = good[:17] + ("0" if good[17] != "0" else "1")
    workspace.register_source("payments", kind="benefit_payments")
    path = write_csv(workspace.root / "p.csv", [
        {"payment_id": "A1", "program_code": "P01", "resident_id": good, "name": "甲", "period": "2024-01", "amount": "1,200.50"},
        {"payment_id": "A2", "program_code": "P01", "resident_id": fifteen, "name": "乙", "period": "202402", "amount": "¥300"},
        {"payment_id": "A3", "program_code": "P01", "resident_id": bad_checksum, "name": "丙", "period": "2024-03", "amount": "10"},
        {"payment_id": "A4", "program_code": "P01", "resident_id": good, "name": "丁", "period": "2024-13", "amount": "10.123"},
        {"payment_id": "A5", "program_code": "", "resident_id": "12345", "name": "戊", "period": "2024-05", "amount": "-5"},
        {"payment_id": "A1", "program_code": "P01", "resident_id": good, "name": "己", "period": "2024-06", "amount": "abc"},
        {"payment_id": "A1", "program_code": "P01", "resident_id": good, "name": "庚", "period": "2024-06", "amount": "7",
         "pay_date": "2024/6/31"},
        {"payment_id": "A8", "program_code": "P01", "resident_id": good, "name": "辛", "period": "2024年7月", "amount": "7"},
        {"payment_id": "A9", "program_code": "P01", "resident_id": good, "name": "壬", "period": "2024-07", "amount": "8"},
    ])  # fmt: skip

    report = workspace.stage("payments", path)

    problems = {(r.row, r.column, r.code) for r in report.rejections()}
    assert problems == {
        (4, "resident_id", "resident_id.checksum"),
        (5, "period", "period.format"),
        (5, "amount", "amount.precision"),
        (6, "program_code", "required"),
        (6, "resident_id", "resident_id.format"),
        (6, "amount", "amount.negative"),
        (7, "amount", "amount.format"),
        (8, "pay_date", "date.format"),
    }
    assert report.total_rows == 9 and report.rejected_rows == 5 and report.accepted_rows == 4
    by_row = {(r.row, r.column): r for r in report.rejections()}
    assert by_row[(6, "resident_id")].value == "12345"
    assert by_row[(4, "resident_id")].reason_zh == "身份证号校验位错误"
    # the duplicate key is reported only once the row is otherwise valid
    assert report.problems_by_code.get("key.duplicate") is None

    rows = stored(workspace, report.accept())
    assert [r["payment_id"] for r in rows] == ["A1", "A2", "A8", "A9"]
    assert rows[0]["amount"] == 1200.5 and rows[1]["amount"] == 300
    assert rows[1]["resident_id"] == old  # 15 digits became 18
    assert rows[1]["period"] == "2024-02" and rows[2]["period"] == "2024-07"


def test_it_rejects_duplicate_keys_after_the_first(workspace):
    workspace.register_source("vendors", kind="vendors")
    path = write_csv(workspace.root / "v.csv", [
        {"uscc": credit_code(1), "name": "甲公司"},
        {"uscc": credit_code(1).lower(), "name": "甲公司（重复）"},
        {"uscc": credit_code(2)[:-1] + "0" if credit_code(2)[-1] != "0" else credit_code(2)[:-1] + "1",
         "name": "乙公司"},
    ])  # fmt: skip

    report = workspace.stage("vendors", path)

    assert {(r.row, r.code) for r in report.rejections()} == {
        (3, "key.duplicate"),
        (4, "uscc.invalid"),
    }


def test_it_keeps_nothing_when_the_report_is_discarded(workspace):
    workspace.register_source("deaths", kind="deaths")
    path = write_csv(
        workspace.root / "d.csv", [{"resident_id": pid(1), "death_date": "2024-01-01"}]
    )
    report = workspace.stage("deaths", path)
    assert workspace.staged() == [report.stage_id]

    report.discard()

    assert workspace.staged() == []
    assert workspace.source("deaths").versions == ()
    assert workspace.dataset_files("deaths") == []
    with pytest.raises(WorkspaceError):
        report.accept()


def _renamed(path, name):
    target = path.with_name(name)
    target.write_bytes(path.read_bytes())
    return target


def test_each_accepted_row_keeps_its_row_number_in_the_file(workspace):
    rows = [{"resident_id": pid(n), "name": "甲", "death_date": "2024-01-01"} for n in range(3)]
    rows[1]["death_date"] = "not a date"  # rejected: the numbers are still the file's
    workspace.register_source("deaths", kind="deaths")
    report = workspace.stage("deaths", write_csv(workspace.root / "d.csv", rows))
    version = report.accept()
    assert [(r["resident_id"], r["_row"]) for r in stored(workspace, version)] == [
        (pid(0), 2), (pid(2), 4),
    ]  # fmt: skip


def test_it_keeps_nothing_when_the_file_cannot_be_imported(workspace):
    workspace.register_source("deaths", kind="deaths")
    missing_column = write_csv(workspace.root / "d.csv", [{"resident_id": pid(1), "name": "甲"}])
    ragged = workspace.root / "r.csv"
    ragged.write_text('resident_id,death_date\n"unterminated,2024-01-01\n', encoding="utf-8")

    with pytest.raises(ImportFailed, match="death_date") as failed:
        workspace.stage("deaths", missing_column)
    # The same reason in Chinese, naming the field by its label.
    assert (
        failed.value.zh.startswith("文件和映射中都找不到必填字段") and "死亡日期" in failed.value.zh
    )
    with pytest.raises(ImportFailed):
        workspace.stage("deaths", ragged, format="parquet")
    with pytest.raises(ImportFailed, match="not a column") as failed:
        workspace.stage("deaths", missing_column, mapping={"name": "nickname"})
    assert failed.value.zh.startswith("映射中的 'nickname' 不是死亡人员的字段")
    with pytest.raises(ImportFailed, match="cannot tell the format") as failed:
        workspace.stage("deaths", _renamed(missing_column, "d.doc"))
    assert "无法识别" in failed.value.zh

    assert workspace.staged() == []
    assert list((workspace.root / "staging").iterdir()) == []
    assert workspace.source("deaths").versions == ()


def test_it_uses_the_saved_mapping_and_chinese_headers_for_excel_and_parquet(workspace, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["身份证", "姓名", "死亡日期", "备注"])
    sheet.append([pid(1), "甲", datetime.datetime(2024, 2, 3), "x"])
    sheet.append([pid(2), "乙", "2024-02-04", None])
    book.save(tmp_path / "deaths.xlsx")
    workspace.register_source("deaths", kind="deaths", mapping={"身份证": "resident_id"})

    version = workspace.stage("deaths", tmp_path / "deaths.xlsx").accept()

    rows = stored(workspace, version)
    assert [(r["resident_id"], r["death_date"]) for r in rows] == [
        (pid(1), datetime.date(2024, 2, 3)),
        (pid(2), datetime.date(2024, 2, 4)),
    ]
    duckdb.connect().execute(
        f"COPY (SELECT '{pid(3)}' AS 身份证, DATE '2024-05-06' AS death_date) "
        f"TO '{tmp_path / 'deaths.parquet'}' (FORMAT parquet)"
    )
    second = workspace.stage("deaths", tmp_path / "deaths.parquet").accept()
    assert second.version == 2
    assert [r["resident_id"] for r in stored(workspace, second)] == [pid(3)]
    # models read the current version only
    assert workspace.dataset_files("deaths") == [second.data_file(workspace.root)]


def test_it_reads_gbk_csv_files(workspace, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"resident_id,name,unit\n{pid(1)},张三,县民政局\n".encode("gbk"))
    workspace.register_source("cadres", kind="cadres")

    rows = stored(workspace, workspace.stage("cadres", path).accept())

    assert rows[0]["name"] == "张三" and rows[0]["unit"] == "县民政局"


def test_it_reloads_a_staged_report_in_another_request(workspace):
    workspace.register_source("deaths", kind="deaths")
    path = write_csv(workspace.root / "d.csv", [
        {"resident_id": pid(1), "death_date": "2024-01-01"},
        {"resident_id": "1", "death_date": "2024-01-01"},
    ])  # fmt: skip
    stage_id = workspace.stage("deaths", path).stage_id

    report = workspace.staged_report(stage_id)

    assert report.rejected_rows == 1 and report.rejections()[0].code == "resident_id.format"
    assert report.accept().rows == 1


def test_it_fills_birth_date_and_gender_from_the_resident_id(workspace):
    born = datetime.date(1988, 8, 8)
    person = resident_id.make(area="320923", born=born, sequence=11, male=True)

    version = load(workspace, "residents", [{"resident_id": person, "name": "曾乐"}])

    [row] = stored(workspace, version)
    assert row["birth_date"] == born and row["gender"] == "男"
    assert {"zeng le", "ceng yue"} <= set(row["name_pinyin"])


def test_it_reports_all_rejections_of_a_large_file_quickly(workspace):
    rows = [
        {"resident_id": pid(n) if n % 10 else "bad", "death_date": "2024-01-01"}
        for n in range(20000)
    ]
    workspace.register_source("deaths", kind="deaths")

    report = workspace.stage("deaths", write_csv(workspace.root / "d.csv", rows))

    assert report.rejected_rows == 2000 and len(report.rejections()) == 2000
    assert report.rejections(offset=1990, limit=50)[-1].row == 20000 - 10 + 2
    assert (
        Runner(workspace).run([LIBRARY["claims_after_death"]], as_of=AS_OF).models[0].status
        == "skipped"
    )


def test_it_stages_rows_from_the_platform_itself(workspace):
    workspace.register_source("org-cadres", kind="cadres")

    report = workspace.stage_rows("org-cadres", [
        {"resident_id": pid(1), "name": "张三", "unit": "县民政局"},
        {"resident_id": pid(2)[:-1], "name": "李四", "unit": "县民政局"},
    ])  # fmt: skip

    assert report.rejected_rows == 1 and report.rejections()[0].row == 2
    assert report.accept().rows == 1
