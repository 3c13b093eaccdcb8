"""The procurement models against small hand-made datasets: hits and near-misses."""

from __future__ import annotations

from .conftest import credit_code, load, pid, run


def vendor(n: int, **fields) -> dict:
    """A vendor row with distinct phone, address and account unless given."""
    row = {"uscc": credit_code(n), "name": f"供应商{n}", "phone": f"0523{n:08d}",
           "address": f"工业园区{n}号", "bank_account": f"3201{n:016d}", "registered_date": "2010-01-01"}  # fmt: skip
    row.update(fields)
    return row


def contract(n: int, unit: str, uscc: str, amount: str, signed: str, **fields) -> dict:
    """A contract row."""
    row = {"contract_id": f"HT{n:04d}", "buyer_unit": unit, "vendor_uscc": uscc, "amount": amount,
           "signed_date": signed, "method": "询价", "approver_name": "审批人甲"}  # fmt: skip
    row.update(fields)
    return row


def test_it_links_vendors_to_employees_of_the_buying_unit(workspace):
    clerk, owner, partner = pid(1), pid(2), pid(3)
    load(workspace, "payroll", [
        {"resident_id": clerk, "name": "会计甲", "unit": "县交通局", "start_date": "2015-01-01",
         "phone": "139 0000 0001", "address": "城关镇1号", "bank_account": "6222000000000000001"},
        {"resident_id": owner, "name": "科长乙", "unit": "县交通局", "start_date": "2015-01-01"},
        {"resident_id": partner, "name": "职员丙", "unit": "县水利局", "start_date": "2015-01-01"},
    ])  # fmt: skip
    load(workspace, "vendors", [
        vendor(1, phone="+86 13900000001"),  # the clerk's phone, written differently
        vendor(2, legal_rep_id=owner, legal_rep_name="科长乙"),
        vendor(3, address="城关镇 1号"),  # the clerk's address with a stray space
        vendor(4, bank_account="6222000000000000001"),  # ... but sells only to another unit
        vendor(5),
    ])  # fmt: skip
    load(workspace, "vendor_shareholders", [
        {"uscc": credit_code(5), "shareholder_id": partner, "shareholder_name": "职员丙"},
    ])  # fmt: skip
    load(workspace, "contracts", [
        contract(1, "县交通局", credit_code(1), "100000", "2024-01-05"),
        contract(2, "县交通局", credit_code(2), "300000", "2024-02-05"),
        contract(3, "县交通局", credit_code(3), "50000", "2024-03-05"),
        contract(4, "县教育局", credit_code(4), "50000", "2024-03-05"),
        contract(5, "县交通局", credit_code(5), "50000", "2024-03-05"),  # partner works elsewhere
    ])  # fmt: skip

    hits = {(h.subject_id, h.match_method): h for h in run(workspace, "vendor_employee_link")}

    assert set(hits) == {
        (credit_code(1), "phone"),
        (credit_code(2), "resident_id (legal representative)"),
        (credit_code(3), "address"),
    }
    assert hits[(credit_code(2), "resident_id (legal representative)")].severity == "red"
    assert hits[(credit_code(1), "phone")].detail == "会计甲"


def test_it_finds_contracts_split_under_the_tender_threshold(workspace):
    split, spread, small = credit_code(1), credit_code(2), credit_code(3)
    load(workspace, "vendors", [vendor(1), vendor(2), vendor(3)])
    load(workspace, "contracts", [
        contract(1, "县住建局", split, "400000", "2024-03-01"),
        contract(2, "县住建局", split, "400000", "2024-03-20"),
        contract(3, "县住建局", split, "300000", "2024-04-10"),
        contract(4, "县住建局", split, "2000000", "2024-04-11", method="公开招标"),  # tendered
        contract(5, "县住建局", spread, "600000", "2024-01-01"),
        contract(6, "县住建局", spread, "600000", "2024-06-01"),  # months apart
        contract(7, "县住建局", small, "300000", "2024-01-01"),
        contract(8, "县住建局", small, "300000", "2024-01-15"),  # together still under
        contract(9, "县水利局", split, "900000", "2024-03-02"),  # another buyer
    ])  # fmt: skip

    [hit] = run(workspace, "contract_splitting")

    assert hit.fingerprint_key == f"县住建局|{split}|HT0001"
    assert hit.amount == 1100000 and len(hit.evidence) == 3
    assert run(workspace, "contract_splitting", tender_threshold=2000000) == []


def test_it_finds_repeated_non_competitive_awards_by_one_approver(workspace):
    favoured, tendered = credit_code(1), credit_code(2)
    load(workspace, "vendors", [vendor(1), vendor(2)])
    rows = [contract(n, "县城管局", favoured, "50000", f"2024-{n:02d}-03", method="单一来源",
                     approver_name="局长甲") for n in (1, 2, 3, 4)]  # fmt: skip
    rows.append(
        contract(
            5,
            "县城管局",
            favoured,
            "50000",
            "2023-05-03",
            method="单一来源",
            approver_name="局长甲",
        )
    )
    rows += [contract(n, "县城管局", tendered, "2000000", f"2024-{n - 5:02d}-03", method="公开招标",
                      approver_name="局长甲") for n in (6, 7, 8, 9)]  # fmt: skip
    rows += [contract(n, "县城管局", favoured, "50000", f"2024-{n - 9:02d}-09", method="询价",
                      approver_name="副局长乙") for n in (10, 11)]  # fmt: skip
    load(workspace, "contracts", rows)

    [hit] = run(workspace, "repeat_awards")

    assert hit.fingerprint_key == f"局长甲|{favoured}|2024"
    assert len(hit.evidence) == 4 and hit.severity == "yellow"
    assert run(workspace, "repeat_awards", competitive_methods=["公开招标", "单一来源"]) == []


def test_it_finds_large_contracts_with_newly_founded_vendors(workspace):
    load(workspace, "vendors", [
        vendor(1, registered_date="2024-04-01"),
        vendor(2, registered_date="2023-01-01"),
        vendor(3, registered_date="2024-04-01"),
    ])  # fmt: skip
    load(workspace, "contracts", [
        contract(1, "县卫健委", credit_code(1), "800000", "2024-05-01"),
        contract(2, "县卫健委", credit_code(2), "800000", "2024-05-01"),  # an old company
        contract(3, "县卫健委", credit_code(3), "80000", "2024-05-01"),  # a small contract
        contract(4, "县卫健委", credit_code(1), "800000", "2024-08-01"),  # after 90 days
    ])  # fmt: skip

    [hit] = run(workspace, "new_vendor_award")

    assert hit.fingerprint_key == "HT0001" and hit.detail == "30"


def test_it_finds_contracts_paid_beyond_their_amount(workspace):
    load(workspace, "vendors", [vendor(1)])
    load(workspace, "contracts", [
        contract(1, "县交通局", credit_code(1), "100000", "2024-01-01"),
        contract(2, "县交通局", credit_code(1), "100000", "2024-01-01"),
    ])  # fmt: skip
    load(workspace, "contract_payments", [
        {"payment_id": "F1", "contract_id": "HT0001", "pay_date": "2024-02-01", "amount": "60000"},
        {"payment_id": "F2", "contract_id": "HT0001", "pay_date": "2024-03-01", "amount": "60000"},
        {"payment_id": "F3", "contract_id": "HT0002", "pay_date": "2024-02-01", "amount": "40000"},
        {"payment_id": "F4", "contract_id": "HT0002", "pay_date": "2024-03-01", "amount": "60000"},
    ])  # fmt: skip

    [hit] = run(workspace, "contract_overpaid")

    assert hit.fingerprint_key == "HT0001" and hit.amount == 20000
