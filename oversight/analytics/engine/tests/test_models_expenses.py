"""The expense models against small hand-made datasets: hits and near-misses."""

from __future__ import annotations

from .conftest import load, run


def line(n: int, category: str, day: str, **fields) -> dict:
    """An expense line."""
    row = {"line_id": f"L{n}", "expense_id": f"E{n}", "claimant_name": "报销人甲", "unit": "县财政局",
           "category": category, "expense_date": day, "amount": "800", "invoice_no": f"INV{n:08d}",
           "invoice_date": day}  # fmt: skip
    row.update(fields)
    return row


def test_it_finds_entertainment_on_holidays_and_weekends_but_not_on_make_up_days(workspace):
    load(workspace, "expenses", [
        line(1, "公务接待", "2024-10-02"),  # National Day
        line(2, "餐饮", "2024-06-15"),  # a Saturday
        line(3, "公务接待", "2024-10-12"),  # a Saturday worked in exchange for the holiday
        line(4, "公务接待", "2024-10-08"),  # a Tuesday
        line(5, "办公用品", "2024-10-03"),  # not entertainment
    ])  # fmt: skip

    hits = {h.fingerprint_key: h for h in run(workspace, "holiday_entertainment")}

    assert set(hits) == {"L1", "L2"}
    assert hits["L1"].detail == "国庆节" and hits["L2"].detail == "周末"


def test_it_finds_travel_invoices_dated_far_from_the_trip(workspace):
    trip = {"trip_start": "2024-05-06", "trip_end": "2024-05-08", "trip_destination": "北京"}
    load(workspace, "expenses", [
        line(1, "差旅", "2024-05-08", invoice_date="2024-06-20", **trip),
        line(2, "差旅", "2024-05-08", invoice_date="2024-04-01", **trip),
        line(3, "差旅", "2024-05-08", invoice_date="2024-05-15", **trip),  # within a week
        line(4, "差旅", "2024-05-08", invoice_date="2024-05-07", **trip),
        line(5, "培训", "2024-05-08", invoice_date="2024-08-01", **trip),  # not travel
    ])  # fmt: skip

    assert {h.fingerprint_key for h in run(workspace, "invoice_far_from_trip")} == {"L1", "L2"}
    assert {
        h.fingerprint_key for h in run(workspace, "invoice_far_from_trip", allowed_days=60)
    } == set()


def test_it_finds_an_invoice_reimbursed_twice(workspace):
    load(workspace, "expenses", [
        line(1, "办公用品", "2024-03-04", invoice_no="X1", amount="300"),
        line(2, "办公用品", "2024-04-04", invoice_no="X1", amount="300", claimant_name="报销人乙"),
        line(3, "办公用品", "2024-04-04", invoice_no="X2"),
        line(4, "办公用品", "2024-04-04", invoice_no=None),
        line(5, "办公用品", "2024-04-05", invoice_no=None),  # no number: nothing to compare
    ])  # fmt: skip

    [hit] = run(workspace, "duplicate_invoice")

    assert hit.fingerprint_key == "X1" and hit.amount == 300 and len(hit.evidence) == 2
