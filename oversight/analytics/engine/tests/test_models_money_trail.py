"""The money trail: subsidies a village disclosed against what the department paid, on a
hand-made case with each kind of difference and its near-misses."""

from __future__ import annotations

import duckdb

from oversight.analytics.engine import Workspace
from oversight.analytics.engine.synthetic import check_planted, generate

from .conftest import LIBRARY, PROGRAMS, load, pid, run


def disclosed(
    n, name, amount, *, person=None, village="东村", program="P05", period="2024-03",
    town="城关镇",
):  # fmt: skip
    """One row of a village's subsidy notice."""
    return {"row_id": f"D{n:03d}", "notice": "东村2024年3月耕地地力保护补贴公示",
            "program_code": program, "resident_id": person, "name": name, "period": period,
            "amount": amount, "town": town, "village": village}  # fmt: skip


def paid(
    n, person, name, amount, *, village="东村", program="P05", period="2024-03", town="城关镇"
):  # fmt: skip
    """One payment row of the department."""
    return {"payment_id": f"BP{n:05d}", "program_code": program, "resident_id": person,
            "name": name, "period": period, "amount": amount, "town": town,
            "village": village}  # fmt: skip


def test_it_finds_each_kind_of_difference_and_not_the_near_misses(workspace):
    equal, within, differs, renamed, unpaid, undisclosed, elsewhere = (pid(n) for n in range(1, 8))
    load(workspace, "benefit_programs", PROGRAMS)
    load(workspace, "disclosed_subsidies", [
        disclosed(1, "张*", "500.00"),                       # masked, equal: no warning
        disclosed(2, "李四", "500.00", person=within),       # 0.50 apart: within tolerance
        disclosed(3, "王*", "800.00"),                       # paid 500: differs
        disclosed(4, "赵六", "300.00", person=renamed),      # same ID, paid to 钱七
        disclosed(5, "孙*", "400.00"),                       # never paid
    ])  # fmt: skip
    load(workspace, "benefit_payments", [
        paid(1, equal, "张三", "500.00"),
        paid(2, within, "李四", "500.50"),
        paid(3, differs, "王五", "500.00"),
        paid(4, renamed, "钱七", "300.00"),
        paid(5, undisclosed, "周八", "600.00"),             # paid, not in the notice
        paid(6, elsewhere, "吴九", "600.00", village="西村"),  # 西村 disclosed nothing: not compared
    ])  # fmt: skip

    hits = run(workspace, "subsidy_disclosure_mismatch")
    kinds = {h.fingerprint_key.split("|")[-1]: h for h in hits}

    assert sorted(kinds) == [
        "amount_differs", "disclosed_not_paid", "name_mismatch", "paid_not_disclosed"
    ]  # fmt: skip
    assert len(hits) == 4
    assert kinds["amount_differs"].subject_id == differs
    assert kinds["amount_differs"].amount == 300
    assert kinds["amount_differs"].match_method == "masked name (candidate)"
    assert kinds["disclosed_not_paid"].subject_name == "孙*"
    assert kinds["disclosed_not_paid"].amount == 400
    assert kinds["paid_not_disclosed"].subject_id == undisclosed
    assert kinds["paid_not_disclosed"].amount == 600
    assert kinds["name_mismatch"].subject_id == renamed
    assert "赵六 ≠ 钱七" in kinds["name_mismatch"].detail
    # the evidence puts the notice's row beside the payment rows
    assert {(e.dataset, e.key) for e in kinds["amount_differs"].evidence} == {
        ("disclosed_subsidies", "D003"), ("benefit_payments", "BP00003")
    }  # fmt: skip
    assert "耕地地力保护补贴" in kinds["amount_differs"].reason_zh
    assert "800.00 / 500.00" in kinds["amount_differs"].reason_en


def test_a_wider_tolerance_lets_a_small_difference_pass(workspace):
    person = pid(1)
    load(workspace, "disclosed_subsidies", [disclosed(1, "李四", "500.00", person=person)])
    load(workspace, "benefit_payments", [paid(1, person, "李四", "520.00")])

    [hit] = run(workspace, "subsidy_disclosure_mismatch")
    assert hit.amount == 20

    assert run(workspace, "subsidy_disclosure_mismatch", tolerance=20) == []


def test_payments_over_several_rows_add_up_to_the_disclosed_amount(workspace):
    person = pid(1)
    load(workspace, "disclosed_subsidies", [disclosed(1, "李*", "500.00")])
    load(workspace, "benefit_payments", [
        paid(1, person, "李四", "200.00"), paid(2, person, "李四", "300.00")
    ])  # fmt: skip

    assert run(workspace, "subsidy_disclosure_mismatch") == []


def test_villages_of_the_same_name_in_two_towns_are_two_villages(workspace):
    """东村 of 城关镇 published its list; 东村 of 河西镇 published nothing: 河西镇's payments are not
    compared with 城关镇's list (they once were: a village was matched by its name alone)."""
    here, there = pid(1), pid(2)
    load(workspace, "disclosed_subsidies", [disclosed(1, "张*", "500.00")])
    load(workspace, "benefit_payments", [
        paid(1, here, "张三", "500.00"),
        paid(2, there, "李四", "700.00", town="河西镇"),
    ])  # fmt: skip

    assert run(workspace, "subsidy_disclosure_mismatch") == []


def test_a_notice_without_its_town_matches_the_village_in_any_town(workspace):
    person = pid(1)
    load(workspace, "disclosed_subsidies", [disclosed(1, "张*", "800.00", town=None)])
    load(workspace, "benefit_payments", [paid(1, person, "张三", "500.00", town="河西镇")])

    [hit] = run(workspace, "subsidy_disclosure_mismatch")
    assert hit.fingerprint_key.endswith("amount_differs") and hit.amount == 300


def test_the_synthetic_county_has_each_kind_planted_and_no_near_miss_is_a_hit(tmp_path):
    county = generate(tmp_path / "data", scale=0.002, seed=5)
    workspace = Workspace(tmp_path / "ws")
    for kind in ("benefit_programs", "benefit_payments", "disclosed_subsidies"):
        workspace.register_source(kind.replace("_", "-"), kind=kind)
        report = workspace.stage(kind.replace("_", "-"), county.files[kind])
        assert report.rejected_rows == 0, report.rejections(limit=5)
        report.accept()
    model = LIBRARY["subsidy_disclosure_mismatch"]

    hits = run(workspace, model.id)

    planted = [p for p in county.planted if p.model_id == model.id]
    assert {p.key.split("|")[-1] for p in planted} == {
        "amount_differs", "disclosed_not_paid", "name_mismatch", "paid_not_disclosed"
    }  # fmt: skip
    assert {p.note for p in planted if p.key.endswith("amount_differs")} == {
        "resident_id", "masked name (candidate)"
    }  # fmt: skip
    # every planted difference is found, and nothing else: not the near-misses below
    assert check_planted(county, hits, [model])[model.id] == {"missed": [], "extra": []}
    con = duckdb.connect()
    disclosed = f"read_csv('{county.files['disclosed_subsidies']}', all_varchar = true)"
    paid = f"read_csv('{county.files['benefit_payments']}', all_varchar = true)"
    near_misses = con.execute(f"""
        SELECT
            -- a masked name and no ID, matched to its payee by the name alone
            (SELECT count(*) FROM {disclosed} WHERE resident_id IS NULL AND name LIKE '%*%'),
            (SELECT count(*) FROM {disclosed} WHERE resident_id IS NULL AND name LIKE '%＊%'),
            -- a masked name beside the ID: the same person
            (SELECT count(*) FROM {disclosed} WHERE resident_id IS NOT NULL AND name LIKE '%*%'),
            -- 0.50 apart, within the tolerance
            (SELECT count(*) FROM {disclosed} d JOIN {paid} p USING (resident_id, program_code, period)
             WHERE abs(CAST(d.amount AS DECIMAL(18, 2)) - CAST(p.amount AS DECIMAL(18, 2))) = 0.5),
            -- paid in a publishing village in a month it published nothing
            (SELECT count(*) FROM {paid} WHERE village IN (SELECT village FROM {disclosed})
             AND period NOT IN (SELECT period FROM {disclosed}))
    """).fetchone()  # fmt: skip
    assert all(near_misses), near_misses
